import { describe, expect, it } from 'vitest';
import {
  buildNetworkModel,
  evaluateConnection,
  externalEndpoint,
  type ConnectionQuery,
  type ConnectionVerdict,
  type Endpoint,
  type NetworkModelInput,
} from '../../../src/engines/network-policy/index.js';
import { hypotheticalPod, namespace, pod, policy } from './helpers/objects.js';

function verdictOf(input: NetworkModelInput, from: string | Endpoint, to: string | Endpoint, query: ConnectionQuery = { port: 80 }): ConnectionVerdict {
  const model = buildNetworkModel(input);
  const endpoint = (ref: string | Endpoint): Endpoint => {
    if (typeof ref !== 'string') return ref;
    const [ns, name] = ref.split('/') as [string, string];
    const found = model.findPod(ns, name);
    if (!found) throw new Error(`test setup: no pod ${ref}`);
    return found;
  };
  const result = evaluateConnection(model, endpoint(from), endpoint(to), query);
  if (!result.ok) throw new Error(`unexpected issues: ${JSON.stringify(result.issues)}`);
  return result.value;
}

const web = pod('shop/web', { app: 'web' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
const api = pod('shop/api', { app: 'api' }, [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }]);
const denyAll = policy('shop/deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('evaluateConnection: isolation', () => {
  it('allows everything when no policy selects either pod, and says so', () => {
    const verdict = verdictOf({ pods: [web, api] }, 'shop/web', 'shop/api');
    expect(verdict).toMatchObject({
      allowed: true,
      egress: { isolated: false, isolatedBy: [], allowedBy: [] },
      ingress: { isolated: false, isolatedBy: [], allowedBy: [] },
    });
    expect(verdict.explanation).toContain('No NetworkPolicy isolates egress of shop/web');
  });

  it('isolates per direction: an ingress policy on the destination leaves its egress open', () => {
    const input = { pods: [web, api], policies: [policy('shop/api-ingress', { podSelector: { matchLabels: { app: 'api' } } })] };
    expect(verdictOf(input, 'shop/web', 'shop/api')).toMatchObject({ allowed: false, ingress: { isolated: true, isolatedBy: ['shop/api-ingress'] } });
    expect(verdictOf(input, 'shop/api', 'shop/web')).toMatchObject({ allowed: true, egress: { isolated: false } });
  });

  it('needs both the source egress and the destination ingress', () => {
    const egressOnly = policy('shop/web-out', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
    });
    const verdict = verdictOf({ pods: [web, api], policies: [egressOnly, denyAll] }, 'shop/web', 'shop/api');
    expect(verdict.egress).toMatchObject({ allowed: true, allowedBy: [{ policy: 'shop/web-out', rule: 0, path: 'spec.egress[0]' }] });
    expect(verdict.ingress).toMatchObject({ allowed: false, isolatedBy: ['shop/deny-all'] });
    expect(verdict.allowed).toBe(false);
    expect(verdict.explanation).toMatch(/^Denied\. shop\/api is ingress-isolated by shop\/deny-all, and none of its ingress rules allows TCP 80 from shop\/web\.$/);
  });

  it('does not isolate egress for `egress: []` without policyTypes (the trap)', () => {
    const input = { pods: [web, api], policies: [policy('shop/web', { podSelector: { matchLabels: { app: 'web' } }, egress: [] })] };
    const verdict = verdictOf(input, 'shop/web', 'shop/api');
    expect(verdict.egress.isolated).toBe(false);
    expect(verdict.allowed).toBe(true);
    expect(verdictOf(input, 'shop/api', 'shop/web').ingress.isolated).toBe(true);
  });

  it('isolates egress without policyTypes once egress has a rule', () => {
    const input = {
      pods: [web, api],
      policies: [policy('shop/web', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })],
    };
    expect(verdictOf(input, 'shop/web', 'shop/api').egress).toMatchObject({ isolated: true, allowed: false });
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 53, protocol: 'UDP' }).allowed).toBe(true);
  });

  it('takes present policyTypes as authoritative: [Egress] with no rules denies all egress and leaves ingress open', () => {
    const input = { pods: [web, api], policies: [policy('shop/no-out', { podSelector: {}, policyTypes: ['Egress'] })] };
    const verdict = verdictOf(input, 'shop/web', 'shop/api');
    expect(verdict.egress).toMatchObject({ isolated: true, allowed: false, isolatedBy: ['shop/no-out'] });
    expect(verdict.ingress.isolated).toBe(false);
  });

  it('ignores ingress rules when policyTypes is [Egress] only', () => {
    const input = {
      pods: [web, api],
      policies: [policy('shop/odd', { podSelector: {}, policyTypes: ['Egress'], ingress: [{}], egress: [{}] })],
    };
    expect(verdictOf(input, 'shop/web', 'shop/api').ingress.isolated).toBe(false);
  });

  it('does not let a policy select pods of another namespace', () => {
    const other = pod('other/web', { app: 'web' });
    const input = { pods: [web, other], policies: [policy('shop/deny', { podSelector: {}, policyTypes: ['Ingress'] })] };
    expect(verdictOf(input, 'shop/web', 'other/web').ingress.isolated).toBe(false);
    expect(verdictOf(input, 'other/web', 'shop/web').ingress.isolated).toBe(true);
  });

  it('only adds allowances: a second policy opens what the first does not', () => {
    const allowWeb = policy('shop/allow-web', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
    });
    const verdict = verdictOf({ pods: [web, api], policies: [denyAll, allowWeb] }, 'shop/web', 'shop/api');
    expect(verdict.ingress).toMatchObject({ allowed: true, isolatedBy: ['shop/deny-all', 'shop/allow-web'] });
  });
});

describe('evaluateConnection: peers', () => {
  const namespaces = [namespace('shop', { team: 'shop' }), namespace('ops', { team: 'ops' })];
  const monitor = pod('ops/monitor', { app: 'monitor' });
  const opsWeb = pod('ops/web', { app: 'web' });
  const toApi = (from: unknown[]) =>
    policy('shop/api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from }] });
  const input = (from: unknown[]) => ({ namespaces, pods: [web, api, monitor, opsWeb], policies: [toApi(from)] });

  it('reads podSelector alone as pods of the policy namespace only', () => {
    const from = [{ podSelector: { matchLabels: { app: 'web' } } }];
    expect(verdictOf(input(from), 'shop/web', 'shop/api').allowed).toBe(true);
    expect(verdictOf(input(from), 'ops/web', 'shop/api').allowed).toBe(false);
  });

  it('reads namespaceSelector alone as every pod of the matching namespaces', () => {
    const from = [{ namespaceSelector: { matchLabels: { team: 'ops' } } }];
    expect(verdictOf(input(from), 'ops/monitor', 'shop/api').allowed).toBe(true);
    expect(verdictOf(input(from), 'ops/web', 'shop/api').allowed).toBe(true);
    expect(verdictOf(input(from), 'shop/web', 'shop/api').allowed).toBe(false);
  });

  it('ANDs namespaceSelector and podSelector in one peer', () => {
    const from = [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'monitor' } } }];
    expect(verdictOf(input(from), 'ops/monitor', 'shop/api').allowed).toBe(true);
    expect(verdictOf(input(from), 'ops/web', 'shop/api').allowed).toBe(false);
    expect(verdictOf(input(from), 'shop/web', 'shop/api').allowed).toBe(false);
  });

  it('ORs separate peers', () => {
    const from = [{ namespaceSelector: { matchLabels: { team: 'ops' } } }, { podSelector: { matchLabels: { app: 'monitor' } } }];
    expect(verdictOf(input(from), 'ops/web', 'shop/api').allowed).toBe(true);
    expect(verdictOf(input(from), 'shop/web', 'shop/api').allowed).toBe(false);
  });

  it('gives every namespace the kubernetes.io/metadata.name label, even one absent from the input', () => {
    const from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }];
    expect(verdictOf({ ...input(from), namespaces: [] }, 'ops/monitor', 'shop/api').allowed).toBe(true);
  });

  it('matches selector expressions In, NotIn, Exists and DoesNotExist; NotIn matches a missing key', () => {
    const expressionFrom = (expression: object) => [{ namespaceSelector: {}, podSelector: { matchExpressions: [expression] } }];
    const allowedFrom = (expression: object, source: string) => verdictOf(input(expressionFrom(expression)), source, 'shop/api').allowed;
    expect(allowedFrom({ key: 'app', operator: 'In', values: ['monitor', 'x'] }, 'ops/monitor')).toBe(true);
    expect(allowedFrom({ key: 'app', operator: 'In', values: ['x'] }, 'ops/monitor')).toBe(false);
    expect(allowedFrom({ key: 'app', operator: 'NotIn', values: ['monitor'] }, 'ops/monitor')).toBe(false);
    expect(allowedFrom({ key: 'tier', operator: 'NotIn', values: ['frontend'] }, 'ops/monitor')).toBe(true);
    expect(allowedFrom({ key: 'app', operator: 'Exists' }, 'ops/monitor')).toBe(true);
    expect(allowedFrom({ key: 'tier', operator: 'Exists' }, 'ops/monitor')).toBe(false);
    expect(allowedFrom({ key: 'tier', operator: 'DoesNotExist' }, 'ops/monitor')).toBe(true);
    expect(allowedFrom({ key: 'app', operator: 'DoesNotExist' }, 'ops/monitor')).toBe(false);
  });

  it('treats an empty or absent `from` as every source, inside the cluster or not', () => {
    for (const rule of [{}, { from: [] }]) {
      const policies = [policy('shop/open', { podSelector: {}, ingress: [rule] })];
      expect(verdictOf({ pods: [web, monitor], policies }, 'ops/monitor', 'shop/web').allowed).toBe(true);
      expect(verdictOf({ pods: [web], policies }, externalEndpoint('8.8.8.8'), 'shop/web').allowed).toBe(true);
    }
  });

  it('does not let an all-namespaces selector admit addresses outside the cluster', () => {
    const from = [{ namespaceSelector: {} }];
    expect(verdictOf(input(from), 'ops/web', 'shop/api').allowed).toBe(true);
    expect(verdictOf(input(from), externalEndpoint('203.0.113.7'), 'shop/api').allowed).toBe(false);
  });
});

describe('evaluateConnection: ports', () => {
  const apiIn = (ports: unknown[]) => ({
    pods: [web, api],
    policies: [policy('shop/api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports }] })],
  });

  it('defaults a rule port protocol to TCP', () => {
    expect(verdictOf(apiIn([{ port: 8080 }]), 'shop/web', 'shop/api', { port: 8080 }).allowed).toBe(true);
    expect(verdictOf(apiIn([{ port: 8080 }]), 'shop/web', 'shop/api', { port: 8080, protocol: 'UDP' }).allowed).toBe(false);
  });

  it('does not admit TCP through a UDP-only rule', () => {
    const input = apiIn([{ port: 53, protocol: 'UDP' }]);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 53, protocol: 'TCP' }).allowed).toBe(false);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 53, protocol: 'UDP' }).allowed).toBe(true);
  });

  it('includes endPort in the range', () => {
    const input = apiIn([{ port: 8000, endPort: 8080 }]);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 7999 }).allowed).toBe(false);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 8000 }).allowed).toBe(true);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 8080 }).allowed).toBe(true);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 8081 }).allowed).toBe(false);
  });

  it('admits every port of a protocol when a rule port names no port', () => {
    expect(verdictOf(apiIn([{ protocol: 'UDP' }]), 'shop/web', 'shop/api', { port: 31000, protocol: 'UDP' }).allowed).toBe(true);
  });

  it('resolves a named port on the destination pod for ingress', () => {
    const input = apiIn([{ port: 'metrics' }]);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 9090 }).allowed).toBe(true);
    expect(verdictOf(input, 'shop/web', 'shop/api', { port: 8080 }).allowed).toBe(false);
  });

  it('resolves a named port on the destination pod for egress too, not on the source', () => {
    const exporter = pod('shop/exporter', { app: 'exporter' }, [{ name: 'metrics', port: 9100, protocol: 'TCP' }]);
    const exporterOut = policy('shop/exporter-out', {
      podSelector: { matchLabels: { app: 'exporter' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'metrics' }] }],
    });
    const input = { pods: [exporter, api], policies: [exporterOut] };
    expect(verdictOf(input, 'shop/exporter', 'shop/api', { port: 9090 }).allowed).toBe(true);
    expect(verdictOf(input, 'shop/exporter', 'shop/api', { port: 9100 }).allowed).toBe(false);
    expect(verdictOf(input, 'shop/exporter', externalEndpoint('1.1.1.1'), { port: 9100 }).allowed).toBe(false);
  });

  it('matches nothing with a named port the destination does not declare, or declares for another protocol', () => {
    const undeclared = verdictOf(apiIn([{ port: 'grpc' }]), 'shop/web', 'shop/api', { port: 8080 });
    expect(undeclared.allowed).toBe(false);
    expect(undeclared.ingress.summary).toContain('shop/api-in spec.ingress[0] selects shop/web, but none of its ports exist on shop/api');
    expect(verdictOf(apiIn([{ port: 'http', protocol: 'UDP' }]), 'shop/web', 'shop/api', { port: 8080, protocol: 'UDP' }).allowed).toBe(false);
  });

  it('points out a rule that selects the peer but opens other ports', () => {
    const verdict = verdictOf(apiIn([{ port: 53, protocol: 'UDP' }]), 'shop/web', 'shop/api', { port: 53 });
    expect(verdict.ingress.summary).toContain('shop/api-in spec.ingress[0] selects shop/web, but only for UDP 53');
  });
});

describe('evaluateConnection: external addresses and ipBlock', () => {
  const imds = externalEndpoint('169.254.169.254');
  const metadataGuard = policy('shop/no-imds', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }],
  });

  it('blocks the instance metadata service with ipBlock except, and allows the rest of the internet', () => {
    const input = { pods: [web], policies: [metadataGuard] };
    const blocked = verdictOf(input, 'shop/web', imds);
    expect(blocked).toMatchObject({ allowed: false, egress: { isolated: true, isolatedBy: ['shop/no-imds'] }, ingress: { isolated: false } });
    expect(blocked.ingress.summary).toContain('169.254.169.254 is outside the cluster');
    expect(verdictOf(input, 'shop/web', externalEndpoint('169.254.169.253')).allowed).toBe(true);
  });

  it('applies only the pod side for an external endpoint', () => {
    expect(verdictOf({ pods: [web] }, 'shop/web', imds).allowed).toBe(true);
    expect(verdictOf({ pods: [web], policies: [denyAll] }, imds, 'shop/web').allowed).toBe(false);
  });

  it('matches IPv6 blocks and their exceptions', () => {
    const v6 = policy('shop/v6', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:ff::/48'] } }] }],
    });
    const input = { pods: [web], policies: [v6] };
    expect(verdictOf(input, 'shop/web', externalEndpoint('2001:db8:1::5')).allowed).toBe(true);
    expect(verdictOf(input, 'shop/web', externalEndpoint('2001:db8:ff::5')).allowed).toBe(false);
    expect(verdictOf(input, 'shop/web', externalEndpoint('10.0.0.1')).allowed).toBe(false);
  });

  it('does not match a pod by its IP inside an ipBlock (netpol-analyzer semantics)', () => {
    const withIp = pod('shop/api', { app: 'api' }, [], '10.244.1.7');
    const byIp = policy('shop/api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }] });
    const webWithIp = pod('shop/web', { app: 'web' }, [], '10.244.2.9');
    expect(verdictOf({ pods: [webWithIp, withIp], policies: [byIp] }, 'shop/web', 'shop/api').allowed).toBe(false);
    expect(verdictOf({ pods: [withIp], policies: [byIp] }, externalEndpoint('10.244.2.9'), 'shop/api').allowed).toBe(true);
  });
});

describe('evaluateConnection: hypothetical pods', () => {
  it('evaluates a pod that is not in the model, e.g. CoreDNS for a DNS egress rule', () => {
    const coreDns = hypotheticalPod('kube-system/coredns', { 'k8s-app': 'kube-dns' }, [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ]);
    const dnsOnly = policy('shop/dns-only', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 'dns', protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      }],
    });
    const input = { pods: [web], policies: [dnsOnly] };
    expect(verdictOf(input, 'shop/web', coreDns, { port: 53, protocol: 'UDP' }).allowed).toBe(true);
    expect(verdictOf(input, 'shop/web', coreDns, { port: 53, protocol: 'TCP' }).allowed).toBe(true);
    expect(verdictOf(input, 'shop/web', coreDns, { port: 9153 }).allowed).toBe(false);
  });
});
