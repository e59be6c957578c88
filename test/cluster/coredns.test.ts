import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { corefileUpstreams, isCorefileIsolated, isolateCorefile } from '../../src/cluster/coredns.js';
import { LabError } from '../../src/errors.js';

const kubeadmCorefile = await readFile(new URL('../fixtures/cluster/coredns/Corefile.kubeadm-1.36', import.meta.url), 'utf8');

describe('isolateCorefile on kubeadm 1.36\'s default Corefile', () => {
  const isolated = isolateCorefile(kubeadmCorefile);

  it('finds the upstream in the default Corefile, so the default is not isolated', () => {
    expect(corefileUpstreams(kubeadmCorefile)).toEqual(['.:53: forward . /etc/resolv.conf']);
    expect(isCorefileIsolated(kubeadmCorefile)).toBe(false);
  });

  it('serves only the kubernetes plugin\'s zones, without forward or fallthrough, keeping every other plugin as written', () => {
    expect(isolated).toBe(
      [
        '# k8s-sec-lab: isolated DNS, no upstream (k8s-sec-lab up --isolated-dns)',
        'cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {',
        '    errors',
        '    health {',
        '       lameduck 5s',
        '    }',
        '    ready',
        '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
        '       pods insecure',
        '       ttl 30',
        '    }',
        '    prometheus :9153',
        '    cache 30 {',
        '       disable success cluster.local',
        '       disable denial cluster.local',
        '    }',
        '    loop',
        '    reload',
        '    loadbalance',
        '}',
        '',
      ].join('\n'),
    );
    expect(isCorefileIsolated(isolated)).toBe(true);
    expect(corefileUpstreams(isolated)).toEqual([]);
  });

  it('is idempotent: isolating an isolated Corefile changes nothing', () => {
    expect(isolateCorefile(isolated)).toBe(isolated);
  });
});

describe('isolateCorefile on Corefiles people write', () => {
  it('removes a one-line forward and forwards of stub domains, and a custom cluster domain becomes the served zone', () => {
    const corefile = [
      '.:53 {',
      '    kubernetes corp.internal in-addr.arpa {',
      '       fallthrough in-addr.arpa',
      '    }',
      '    forward . 10.0.0.2 10.0.0.3',
      '    cache 30',
      '}',
      'example.com:53 {',
      '    forward . 10.1.1.1 # the corporate resolver',
      '}',
    ].join('\n');
    expect(corefileUpstreams(corefile)).toEqual(['.:53: forward . 10.0.0.2 10.0.0.3', 'example.com:53: forward . 10.1.1.1']);
    const isolated = isolateCorefile(corefile);
    expect(isolated.split('\n').slice(1)).toEqual(['corp.internal:53 in-addr.arpa:53 {', '    kubernetes corp.internal in-addr.arpa {', '    }', '    cache 30', '}', 'example.com:53 {', '}']);
    expect(isCorefileIsolated(isolated)).toBe(true);
  });

  it('treats grpc as an upstream too', () => {
    expect(corefileUpstreams('. {\n    kubernetes cluster.local\n    grpc . 10.0.0.9:53\n}\n')).toEqual(['.: grpc . 10.0.0.9:53']);
    expect(isolateCorefile('. {\n    kubernetes cluster.local\n    grpc . 10.0.0.9:53\n}\n').split('\n').slice(1)).toEqual(['cluster.local:53 {', '    kubernetes cluster.local', '}', '']);
  });

  it('refuses a root zone without a kubernetes plugin naming its zones, since it cannot tell the cluster\'s names', () => {
    expect(() => isolateCorefile('.:53 {\n    forward . /etc/resolv.conf\n}\n')).toThrow(LabError);
    expect(() => isolateCorefile('.:53 {\n    kubernetes\n}\n')).toThrow(/without a kubernetes plugin that names its zones/);
    expect(() => isolateCorefile('# nothing\n')).toThrow(/no server block/);
  });
});
