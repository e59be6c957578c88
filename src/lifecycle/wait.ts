import { setTimeout as sleep } from 'node:timers/promises';
import { LabError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../model/k8s.js';

interface WorkloadStatus extends KubeObject {
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

const deployments = { apiVersion: 'apps/v1', kind: 'Deployment' };
const daemonSets = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

/** A Deployment is rolled out when the new generation is observed, fully updated and available, with no old pods left. */
export function deploymentRolledOut(deployment: WorkloadStatus): boolean {
  const want = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status.updatedReplicas ?? 0) === want &&
    (status.availableReplicas ?? 0) === want &&
    (status.replicas ?? 0) === want
  );
}

export function daemonSetRolledOut(daemonSet: WorkloadStatus): boolean {
  const status = daemonSet.status ?? {};
  const desired = status.desiredNumberScheduled ?? 0;
  return (
    (status.observedGeneration ?? 0) >= (daemonSet.metadata?.generation ?? 0) &&
    (status.updatedNumberScheduled ?? 0) === desired &&
    (status.numberAvailable ?? 0) === desired
  );
}

/**
 * Waits until every Deployment and DaemonSet in the namespaces has rolled
 * out, so the first check grades the app as it runs rather than half-deployed.
 */
export async function waitForWorkloads(client: KubeClient, namespaces: readonly string[], log: (line: string) => void, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reported = '';
  for (;;) {
    const pending: string[] = [];
    for (const namespace of namespaces) {
      const [deploys, daemons] = await Promise.all([
        client.list<WorkloadStatus>(deployments, { namespace }),
        client.list<WorkloadStatus>(daemonSets, { namespace }),
      ]);
      pending.push(
        ...deploys.filter((d) => !deploymentRolledOut(d)).map((d) => `deployment ${namespace}/${d.metadata?.name}`),
        ...daemons.filter((d) => !daemonSetRolledOut(d)).map((d) => `daemonset ${namespace}/${d.metadata?.name}`),
      );
    }
    if (pending.length === 0) return;
    const line = `waiting for ${pending.join(', ')} to roll out`;
    if (line !== reported) log(line);
    reported = line;
    if (Date.now() > deadline) {
      throw new LabError(`${pending.join(', ')} did not roll out within ${timeoutMs / 1000}s`, {
        fix: `look at the pods and events: kubectl -n ${namespaces[0]} get pods,events`,
      });
    }
    await sleep(500);
  }
}
