import { setTimeout as sleep } from 'node:timers/promises';
import { LabError, messageOf } from '../../errors.js';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../model/k8s.js';

export interface Readiness {
  ready: boolean;
  /** What is (not yet) ready, for progress lines and the timeout message. */
  detail: string;
}

interface NodeStatus extends KubeObject {
  status?: { conditions?: { type?: string; status?: string }[] };
}

/**
 * One look at the cluster: the API server's /readyz says ok and at least
 * `expectedNodes` nodes are Ready. `kind create cluster --wait` cannot be
 * trusted for this: it exits 0 when its wait times out.
 */
export async function checkReadiness(client: KubeClient, expectedNodes: number): Promise<Readiness> {
  const readyz = await getReadyz(client);
  if (!readyz.ready) return readyz;
  let nodes: NodeStatus[];
  try {
    nodes = await client.list<NodeStatus>({ apiVersion: 'v1', kind: 'Node' });
  } catch (error) {
    return { ready: false, detail: `cannot list nodes: ${messageOf(error)}` };
  }
  const isReady = (node: NodeStatus) => node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
  const notReady = nodes.filter((node) => !isReady(node)).map((node) => node.metadata?.name ?? '?');
  const readyCount = nodes.length - notReady.length;
  if (readyCount >= expectedNodes && notReady.length === 0) return { ready: true, detail: `${readyCount} ${readyCount === 1 ? 'node' : 'nodes'} Ready` };
  const waiting = notReady.length > 0 ? `; not Ready: ${notReady.join(', ')}` : '';
  return { ready: false, detail: `${readyCount} of ${Math.max(expectedNodes, nodes.length)} nodes Ready${waiting}` };
}

/** Polls checkReadiness until it passes; a LabError naming what was still missing when time ran out. */
export async function waitUntilReady(
  client: KubeClient,
  options: { expectedNodes: number; timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<Readiness> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const readiness = await checkReadiness(client, options.expectedNodes);
    if (readiness.ready) return readiness;
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new LabError(`the cluster behind context ${client.context} was not ready after ${Math.round(options.timeoutMs / 1000)}s: ${readiness.detail}`, {
        fix: `look at the nodes with \`kubectl --context ${client.context} get nodes,pods -A\`; if it stays broken, recreate it with \`k8s-sec-lab down --yes && k8s-sec-lab up\``,
      });
    }
    await sleep(options.intervalMs ?? 1_000);
  }
}

/** GET /readyz with the kubeconfig's credentials; the first failing check names what is not ready. */
async function getReadyz(client: KubeClient): Promise<Readiness> {
  try {
    const { status, body } = await client.rawGet('/readyz');
    if (status === 200) return { ready: true, detail: 'API server ready' };
    const failing = body.split('\n').find((line) => line.startsWith('[-]'));
    return { ready: false, detail: `API server not ready (HTTP ${status}${failing ? `: ${failing.slice(3)}` : ''})` };
  } catch (error) {
    return { ready: false, detail: `API server at ${client.server} not answering: ${messageOf(error)}` };
  }
}
