import { describe, expect, it } from 'vitest';
import type { ClusterDnsFact, DoctorFacts } from '../../../src/cluster/doctor/facts.js';
import { doctorItems, type DoctorItem, type DoctorItemId } from '../../../src/cluster/doctor/items.js';

const GiB = 1024 ** 3;

/** A machine where everything is fine; each test breaks one thing. */
function healthyFacts(): DoctorFacts {
  return {
    platform: 'linux',
    arch: 'x64',
    engine: { name: 'docker', status: { state: 'running', version: '28.1.1', memoryBytes: 16 * GiB } },
    kind: { status: 'found', kind: { path: '/usr/local/bin/kind', version: 'v0.33.0', source: 'path' } },
    kubectl: { path: '/usr/local/bin/kubectl', version: 'v1.36.3' },
    memory: { totalBytes: 32 * GiB, freeBytes: 20 * GiB },
    disk: { path: '/var/lib/docker', freeBytes: 100 * GiB },
    inotify: { maxUserWatches: 524_288, maxUserInstances: 512 },
    cgroup: { version: 2 },
    cluster: {
      state: 'healthy',
      detail: '3 nodes Ready',
      marker: { labId: 'lab-1', markedBy: 'up', markedAt: '2026-01-02T03:04:05Z', networkPolicyEnforced: 'true' },
      dns: { isolated: false, upstreams: ['.:53: forward . /etc/resolv.conf'] },
    },
    nodeImage: { chosen: { image: 'kindest/node:v1.36.4', source: 'labs/cluster/kind.yaml' }, running: 'kindest/node:v1.36.4' },
    kubeconfig: { files: ['/home/me/.kube/config'], currentContext: 'kind-k8s-sec-lab', contexts: ['prod', 'kind-k8s-sec-lab'] },
  };
}

const item = (facts: DoctorFacts, id: DoctorItemId): DoctorItem => doctorItems(facts).find((each) => each.id === id)!;

describe('doctor items', () => {
  it('report whether cluster DNS is isolated, and skip it without a cluster or without kubeadm\'s CoreDNS', () => {
    const facts = healthyFacts();
    expect(item(facts, 'cluster-dns')).toEqual({
      id: 'cluster-dns',
      title: 'cluster DNS',
      status: 'ok',
      detail: 'not isolated: CoreDNS forwards other names (.:53: forward . /etc/resolv.conf); `k8s-sec-lab up --isolated-dns` cuts its upstream',
    });
    const withDns = (dns: ClusterDnsFact): DoctorFacts => {
      const changed = healthyFacts();
      if (changed.cluster.state === 'healthy') changed.cluster.dns = dns;
      return changed;
    };
    expect(item(withDns({ isolated: true, upstreams: [] }), 'cluster-dns')).toMatchObject({ status: 'ok', detail: 'isolated: CoreDNS answers cluster names only, no query leaves the machine' });
    expect(item(withDns(undefined), 'cluster-dns')).toMatchObject({ status: 'skip', detail: expect.stringContaining('no ConfigMap kube-system/coredns') });
    expect(item(withDns({ unreadable: 'configmaps "coredns" is forbidden' }), 'cluster-dns')).toMatchObject({ status: 'warn', detail: expect.stringContaining('is forbidden') });
    facts.cluster = { state: 'absent' };
    expect(item(facts, 'cluster-dns')).toMatchObject({ status: 'skip' });
  });

  it('are all ok on a healthy machine, in report order', () => {
    const items = doctorItems(healthyFacts());
    expect(items.map((each) => each.id)).toEqual([
      'container-engine', 'kind', 'kubectl', 'cpu-architecture', 'memory', 'disk', 'inotify', 'cgroup', 'lab-cluster', 'node-image', 'network-policy', 'cluster-dns', 'kubeconfig-context',
    ]);
    expect(items.filter((each) => each.status !== 'ok')).toEqual([]);
    expect(items.every((each) => each.fix === undefined)).toBe(true);
  });

  it('name the node image up would use, and warn when the lab cluster runs another', () => {
    const facts = healthyFacts();
    expect(item(facts, 'node-image')).toMatchObject({ status: 'ok', detail: '`up` creates nodes from kindest/node:v1.36.4 (labs/cluster/kind.yaml), which the lab cluster runs' });
    facts.nodeImage = { chosen: { image: 'local/kind-node:k1', source: '$K8S_SEC_LAB_NODE_IMAGE' }, running: 'kindest/node:v1.36.4' };
    expect(item(facts, 'node-image')).toEqual({
      id: 'node-image',
      title: 'node image',
      status: 'warn',
      detail: 'the lab cluster runs kindest/node:v1.36.4, but `up` creates nodes from local/kind-node:k1 ($K8S_SEC_LAB_NODE_IMAGE)',
      fix: expect.stringContaining('k8s-sec-lab down --yes && k8s-sec-lab up'),
    });
    facts.nodeImage = { chosen: { image: 'local/kind-node:k1', source: '--node-image' }, running: undefined };
    expect(item(facts, 'node-image')).toMatchObject({ status: 'ok', detail: '`up` creates nodes from local/kind-node:k1 (--node-image)' });
  });

  it('fail on Docker down with the engine\'s own words and the platform\'s fix', () => {
    const facts = healthyFacts();
    facts.platform = 'darwin';
    facts.engine.status = {
      state: 'unreachable',
      problem: { kind: 'engine-unavailable', message: 'Docker is not running (Cannot connect to the Docker daemon)', fix: 'start Docker Desktop (`open -a Docker`)' },
    };
    expect(item(facts, 'container-engine')).toEqual({
      id: 'container-engine',
      title: 'Docker',
      status: 'fail',
      detail: 'Docker is not running (Cannot connect to the Docker daemon)',
      fix: 'start Docker Desktop (`open -a Docker`)',
    });
  });

  it('fail on a missing engine with its install command', () => {
    const facts = healthyFacts();
    facts.engine = { name: 'podman', status: { state: 'missing' } };
    expect(item(facts, 'container-engine')).toMatchObject({ title: 'Podman', status: 'fail', fix: expect.stringContaining('sudo apt-get install podman') });
  });

  it('only warn about a missing or old kind, since `up` can download it', () => {
    const facts = healthyFacts();
    facts.kind = { status: 'too-old', kind: { path: '/usr/bin/kind', version: 'v0.20.0', source: 'path' } };
    expect(item(facts, 'kind')).toMatchObject({
      status: 'warn',
      detail: '/usr/bin/kind is v0.20.0; the lab needs v0.32.0 or newer',
      fix: expect.stringMatching(/^`k8s-sec-lab up` downloads kind v0\.33\.0 .*`go install sigs\.k8s\.io\/kind@v0\.33\.0`$/),
    });
    facts.kind = { status: 'missing' };
    expect(item(facts, 'kind').status).toBe('warn');
  });

  it('fail without kubectl, which the learner needs', () => {
    const facts = healthyFacts();
    facts.kubectl = undefined;
    facts.platform = 'darwin';
    expect(item(facts, 'kubectl')).toMatchObject({ status: 'fail', fix: '`brew install kubectl`' });
  });

  it('fail on a CPU that kind publishes no node image for', () => {
    const facts = healthyFacts();
    facts.arch = 'ppc64';
    expect(item(facts, 'cpu-architecture')).toMatchObject({ status: 'fail', detail: 'ppc64: kind node images exist for amd64 and arm64 only' });
  });

  it('warn when the engine may use too little memory', () => {
    const facts = healthyFacts();
    facts.engine.status = { state: 'running', version: '28.1.1', memoryBytes: 2 * GiB };
    expect(item(facts, 'memory')).toMatchObject({ status: 'warn', detail: '20.0 GiB free of 32.0 GiB; docker may use 2.0 GiB', fix: expect.stringContaining('Settings → Resources → Memory') });
  });

  it('fail below 4 GiB of free disk, warn below 10', () => {
    const facts = healthyFacts();
    facts.disk.freeBytes = 3 * GiB;
    expect(item(facts, 'disk')).toMatchObject({ status: 'fail', fix: 'free some space, e.g. remove unused images with `docker image prune`' });
    facts.disk.freeBytes = 8 * GiB;
    expect(item(facts, 'disk').status).toBe('warn');
  });

  it('warn on a cgroup v1 host that kubelet needs failCgroupV1: false (which up sets) and that v1 is deprecated', () => {
    const facts = healthyFacts();
    expect(item(facts, 'cgroup')).toMatchObject({ status: 'ok', detail: 'cgroup v2' });
    facts.cgroup = { version: 1 };
    expect(item(facts, 'cgroup')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^cgroup v1: this host uses cgroup v1, which Kubernetes deprecated: kubelet 1\.35 and newer refuse .*failCgroupV1: false.*the lab sets that in the kind config/),
      fix: expect.stringContaining('systemd.unified_cgroup_hierarchy=1'),
    });
    facts.cgroup = undefined;
    facts.platform = 'darwin';
    expect(item(facts, 'cgroup').status).toBe('skip');
  });

  it('recommend kind\'s inotify limits with the sysctl that sets them', () => {
    const facts = healthyFacts();
    facts.inotify = { maxUserWatches: 8192, maxUserInstances: 128 };
    expect(item(facts, 'inotify')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^fs\.inotify\.max_user_watches=8192, fs\.inotify\.max_user_instances=128: below kind's recommendation/),
      fix: expect.stringMatching(/^`sudo sysctl -w fs\.inotify\.max_user_watches=524288 fs\.inotify\.max_user_instances=512`/),
    });
    facts.inotify = undefined;
    facts.platform = 'darwin';
    expect(item(facts, 'inotify').status).toBe('skip');
  });

  it('report the lab cluster\'s state, each with the command that fixes it', () => {
    const facts = healthyFacts();
    facts.cluster = { state: 'absent' };
    expect(item(facts, 'lab-cluster')).toMatchObject({ status: 'warn', fix: '`k8s-sec-lab up`' });
    facts.cluster = { state: 'unhealthy', detail: 'API server not answering' };
    expect(item(facts, 'lab-cluster')).toMatchObject({ status: 'fail', fix: '`k8s-sec-lab down --yes && k8s-sec-lab up`' });
    facts.cluster = { state: 'unknown', reason: 'docker is not running' };
    expect(item(facts, 'lab-cluster')).toMatchObject({ status: 'skip', detail: 'cannot look for kind cluster k8s-sec-lab: docker is not running' });
  });

  it('read NetworkPolicy enforcement from the marker', () => {
    const facts = healthyFacts();
    const withEnforcement = (enforced: 'true' | 'false' | 'unknown'): DoctorFacts => ({
      ...facts,
      cluster: { state: 'healthy', detail: '3 nodes Ready', marker: { labId: 'x', markedBy: 'up', markedAt: '', networkPolicyEnforced: enforced }, dns: undefined },
    });
    expect(item(withEnforcement('false'), 'network-policy')).toMatchObject({ status: 'warn', detail: expect.stringContaining('NOT enforced') });
    expect(item(withEnforcement('unknown'), 'network-policy')).toMatchObject({ status: 'warn', fix: '`k8s-sec-lab up` probes again' });
  });

  it('warn when kubectl would talk to another cluster than the lab\'s', () => {
    const facts = healthyFacts();
    facts.kubeconfig.currentContext = 'prod';
    expect(item(facts, 'kubeconfig-context')).toMatchObject({ status: 'warn', fix: '`kubectl config use-context kind-k8s-sec-lab`' });
    facts.kubeconfig.contexts = ['prod'];
    expect(item(facts, 'kubeconfig-context')).toMatchObject({ status: 'warn', fix: '`kind export kubeconfig --name k8s-sec-lab`' });
  });
});
