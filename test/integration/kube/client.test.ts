import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane, useNamespace } from '../setup/plane.js';

const pod = { apiVersion: 'v1', kind: 'Pod' };
const podNames = async (namespace: string) => (await kubectl(['-n', namespace, 'get', 'pods', '-o', 'name'])).stdout.split('\n').filter(Boolean).sort();

describeWithPlane('KubeClient.deleteAllIn on the test plane', () => {
  const target = useNamespace('client-delete-all');
  const bystander = useNamespace('client-delete-keep');
  let client: KubeClient;

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    for (const [namespace, name] of [[target.name, 'a'], [target.name, 'b'], [bystander.name, 'c']] as const) {
      await kubectl(['-n', namespace, 'run', name, '--image=registry.example/app:1', '--restart=Never']);
    }
  });
  afterAll(() => client.close());

  it('deletes every pod of the one namespace with the grace period asked for, and none elsewhere', async () => {
    await client.deleteAllIn(pod, target.name, { gracePeriodSeconds: 1 });
    const deadline = Date.now() + 30_000;
    while ((await podNames(target.name)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await podNames(target.name)).toEqual([]);
    expect(await podNames(bystander.name)).toEqual(['pod/c']);
  });

  it('does nothing in a namespace that does not exist', async () => {
    await expect(client.deleteAllIn(pod, 'no-such-namespace-here')).resolves.toBeUndefined();
  });

  it('refuses a cluster-scoped type or an empty namespace, which would reach every namespace', async () => {
    await expect(client.deleteAllIn({ apiVersion: 'v1', kind: 'Namespace' }, target.name)).rejects.toThrow(/needs a namespaced type/);
    await expect(client.deleteAllIn(pod, '')).rejects.toThrow(/needs a namespaced type and a namespace/);
    expect(await podNames(bystander.name)).toEqual(['pod/c']);
  });
});
