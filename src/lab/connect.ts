import type { KubeClient } from '../kube/client.js';
import { labClientIdentity, labContextName } from '../names.js';

/** Which cluster the learner chose: --kubeconfig and --context, both optional. */
export interface ClusterSelection {
  kubeconfig?: string;
  context?: string;
}

/**
 * A client for the chosen cluster. Without --context the lab's own kind
 * context wins over the current one, so a learner's production context is
 * never used by accident. client-node is loaded only here, on first use.
 */
export async function connectToCluster(selection: ClusterSelection, env: NodeJS.ProcessEnv): Promise<KubeClient> {
  const [{ loadKubeAccess }, { KubeClient }] = await Promise.all([import('../kube/config.js'), import('../kube/client.js')]);
  const access = await loadKubeAccess({
    ...(selection.kubeconfig ? { kubeconfig: selection.kubeconfig } : {}),
    ...(selection.context ? { context: selection.context } : {}),
    preferredContext: labContextName,
    env,
  });
  return new KubeClient(access, labClientIdentity);
}
