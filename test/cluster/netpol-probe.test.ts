import { describe, expect, it } from 'vitest';
import { probeImage, probeNetworkPolicy } from '../../src/cluster/netpol-probe.js';
import { parseImageMap } from '../../src/manifests/image-map.js';
import type { KubeClient } from '../../src/kube/client.js';
import { KubeRequestError } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/model/k8s.js';

/**
 * The probe's decisions, with the API side stubbed: the real objects are
 * checked against the test control plane (test/integration/cluster), real
 * packets only on kind (the e2e workflow).
 */
function stubClient(options: { connects: (boolean | Error)[]; fakeNode?: boolean }) {
  const applied: KubeObject[] = [];
  const deleted: string[] = [];
  const connects = [...options.connects];
  const pod = (name: string, ip: string) => ({
    metadata: { name },
    spec: { nodeName: 'k8s-sec-lab-worker' },
    status: { podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  });
  const client = {
    apply: async (object: KubeObject) => (applied.push(object), object),
    get: async (ref: { kind: string }) =>
      ref.kind === 'Node' ? { metadata: { annotations: options.fakeNode ? { 'kwok.x-k8s.io/node': 'fake' } : {} } } : { metadata: { name: 'default' } },
    list: async () => [pod('server', '10.244.1.5'), pod('client', '10.244.1.6')],
    exec: async (_namespace: string, _pod: string, _container: string, command: string[]) => {
      expect(command.at(-1)).toBe('10.244.1.5');
      const next = connects.length > 1 ? connects.shift()! : connects[0]!;
      if (next instanceof Error) throw next;
      return { stdout: '', stderr: next ? '' : 'TimeoutError: timed out', exitCode: next ? 0 : 1 };
    },
    delete: async (ref: { kind: string }, name: string) => (deleted.push(`${ref.kind}/${name}`), true),
  } as unknown as KubeClient;
  return { client, applied, deleted };
}

const fast = { namespace: 'probe-test', intervalMs: 1, enforcementTimeoutMs: 50, podTimeoutMs: 50 };

describe('probeNetworkPolicy', () => {
  it('reports enforcement when the deny policy cuts a connection that worked before', async () => {
    const { client, applied, deleted } = stubClient({ connects: [true, true, false] });
    expect(await probeNetworkPolicy(client, fast)).toEqual({ enforced: 'true', detail: 'a deny-all NetworkPolicy blocked a connection that worked without it' });
    expect(applied.map((object) => `${object.kind}/${object.metadata?.name}`)).toEqual([
      'Namespace/probe-test',
      'Pod/server',
      'Pod/client',
      'NetworkPolicy/deny-server-ingress',
    ]);
    expect(applied.at(-1)).toMatchObject({ spec: { podSelector: { matchLabels: { 'k8s-sec-lab.io/netpol-probe': 'server' } }, policyTypes: ['Ingress'] } });
    expect(deleted).toEqual(['Namespace/probe-test']);
  });

  it('runs its pods on the image the image map names', async () => {
    const { client, applied } = stubClient({ connects: [true, true, false] });
    const images = parseImageMap(`formatVersion: 1\nimages:\n  "${probeImage}": local/k8s-sec-lab-python:k1\n`, 'map.yaml');
    await probeNetworkPolicy(client, { ...fast, images });
    const pods = applied.filter((object) => object.kind === 'Pod') as { spec: { containers: { image: string }[] } }[];
    expect(pods.flatMap((pod) => pod.spec.containers.map((container) => container.image))).toEqual(['local/k8s-sec-lab-python:k1', 'local/k8s-sec-lab-python:k1']);
  });

  it('reports no enforcement when traffic still flows under the deny policy', async () => {
    const { client } = stubClient({ connects: [true] });
    expect(await probeNetworkPolicy(client, fast)).toMatchObject({ enforced: 'false', detail: expect.stringContaining('does not enforce NetworkPolicy') });
  });

  it('cannot tell when the pods cannot talk even without a policy', async () => {
    const { client, applied } = stubClient({ connects: [false] });
    expect(await probeNetworkPolicy(client, fast)).toEqual({ enforced: 'unknown', detail: 'the probe pods cannot reach each other even without a policy' });
    expect(applied.some((object) => object.kind === 'NetworkPolicy')).toBe(false);
  });

  it('cannot tell on fake (kwok) nodes, and does not try to exec there', async () => {
    const { client, deleted } = stubClient({ connects: [new Error('exec must not be called')], fakeNode: true });
    expect(await probeNetworkPolicy(client, fast)).toEqual({ enforced: 'unknown', detail: 'node k8s-sec-lab-worker has no container runtime (kwok), so no packet can be sent' });
    expect(deleted).toEqual(['Namespace/probe-test']);
  });

  it('tries an exec that timed out again: a loaded machine can be slow to exec into a new pod', async () => {
    const { client } = stubClient({ connects: [new KubeRequestError('exec in probe-test/client timed out after 15s', 0, 'Timeout'), true, false] });
    expect((await probeNetworkPolicy(client, fast)).enforced).toBe('true');
  });

  it('cannot tell when exec keeps failing, and still cleans up', async () => {
    const { client, deleted } = stubClient({ connects: [new KubeRequestError('exec in probe-test/client failed: 502', 0, 'ExecFailed')] });
    expect(await probeNetworkPolicy(client, fast)).toEqual({ enforced: 'unknown', detail: 'the probe could not run: exec in probe-test/client failed: 502' });
    expect(deleted).toEqual(['Namespace/probe-test']);
  });
});
