import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { missingNamespace } from '../../../src/grading/namespaces.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { startedMarker } from '../../../src/lifecycle/started-marker.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';
import { markCluster } from '../../../src/cluster/guard.js';

/** A scenario's missing namespace: a cheat once the scenario is started, "start it first" only before. */
describeWithPlane('missing namespaces on the test plane', () => {
  const scenario = { id: 'namespaces-test', dir: '.', namespaces: ['namespaces-test-app', 'namespaces-test-attacker'] };
  let client: KubeClient;
  const judge = (namespace: string) => missingNamespace(new ClusterView(client), scenario, namespace);

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await markCluster(client, 'adopt');
    await kubectl(['create', 'namespace', 'namespaces-test-app']);
  });
  afterAll(async () => {
    await kubectl(['delete', '--ignore-not-found', '--wait=false', 'namespace', 'namespaces-test-app']);
    await kubectl(['-n', 'k8s-sec-lab-system', 'delete', '--ignore-not-found', 'configmap', `k8s-sec-lab-started-${scenario.id}`]);
    client?.close();
  });

  it('asks to start a scenario that was never started, and sends one GET for it', async () => {
    expect(await judge('namespaces-test-app')).toBeUndefined();
    const view = new ClusterView(client);
    const before = client.requestCount;
    const verdict = await missingNamespace(view, scenario, 'namespaces-test-attacker');
    expect(verdict?.status).toBe('error');
    expect(verdict?.message).toBe('namespace "namespaces-test-attacker" does not exist; start the scenario first: k8s-sec-lab start namespaces-test');
    // The namespace list, then the started marker; a second check in the same run reuses both.
    await missingNamespace(view, scenario, 'namespaces-test-attacker');
    expect(client.requestCount - before).toBe(2);
  });

  it('fails a deleted namespace of a started scenario, explaining the cheat; a namespace it does not own stays an error', async () => {
    await client.apply(startedMarker(scenario));
    const verdict = await judge('namespaces-test-attacker');
    expect(verdict?.status).toBe('fail');
    expect(verdict?.message).toBe(
      'namespace "namespaces-test-attacker" is gone, but the scenario is started: deleting namespace namespaces-test-attacker is not a fix, it removes the app along with the hole (k8s-sec-lab reset namespaces-test brings it back)',
    );
    expect((await judge('namespaces-test-not-its-own'))?.status).toBe('error');
  });
});
