import { setTimeout as sleep } from 'node:timers/promises';
import { LabError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { rolloutProblems } from '../engines/workloads/rollout.js';
import type { KubeObject } from '../model/k8s.js';

const deployments = { apiVersion: 'apps/v1', kind: 'Deployment' };
const daemonSets = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

/** Rolled out: the new generation observed, every wanted pod updated and available, no old pods left. */
const rolledOut = (workload: KubeObject): boolean => rolloutProblems(workload).length === 0;

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
        client.list(deployments, { namespace }),
        client.list(daemonSets, { namespace }),
      ]);
      pending.push(
        ...deploys.filter((d) => !rolledOut(d)).map((d) => `deployment ${namespace}/${d.metadata?.name}`),
        ...daemons.filter((d) => !rolledOut(d)).map((d) => `daemonset ${namespace}/${d.metadata?.name}`),
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


/** Objects the API server's admission chain loads from its own informers, with no status that says when. */
const admissionConfigKinds = new Set([
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

/**
 * When `objects` hold admission bindings or webhook configurations, waits
 * `settleMs` so that the first request after start or solve meets them: the
 * API server takes them up about a second after they are written (0.7-1.0 s
 * measured on the test plane), and nothing observable says when.
 */
export async function settleAdmission(objects: readonly KubeObject[], settleMs = 2_000): Promise<void> {
  if (objects.some((object) => admissionConfigKinds.has(object.kind ?? ''))) await sleep(settleMs);
}
