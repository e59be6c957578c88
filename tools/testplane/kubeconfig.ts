import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  clusterName: string;
  server: string;
  /** PEM bundle that verifies the API server's serving certificate. */
  certificateAuthority: string;
  user: string;
  token: string;
}

/** A single-context kubeconfig, as `kind get kubeconfig` would write it. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const context = `${spec.user}@${spec.clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: spec.clusterName,
        cluster: {
          server: spec.server,
          'certificate-authority-data': Buffer.from(spec.certificateAuthority).toString('base64'),
        },
      },
    ],
    users: [{ name: spec.user, user: { token: spec.token } }],
    contexts: [{ name: context, context: { cluster: spec.clusterName, user: spec.user } }],
    'current-context': context,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<void> {
  await writeFile(path, kubeconfigYaml(spec), { mode: 0o600 });
}
