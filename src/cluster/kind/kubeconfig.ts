import type { KubeClient } from '../../kube/client.js';
import { labClientIdentity, labContextName } from '../../names.js';

/** A client for the lab cluster from `kind get kubeconfig` output (admin credentials, kept in memory). */
export async function clientFromKubeconfig(yaml: string, env: NodeJS.ProcessEnv): Promise<KubeClient> {
  const [{ loadKubeAccess }, { KubeClient }] = await Promise.all([import('../../kube/config.js'), import('../../kube/client.js')]);
  return new KubeClient(await loadKubeAccess({ yaml, context: labContextName, env }), labClientIdentity);
}
