/**
 * Renders labs/addons/imds/imds-server.yaml, the ConfigMap that carries the
 * emulator's code into the cluster, from the files it embeds. After editing
 * server.py or node-route.sh, regenerate it with:
 *
 *   npm run generate:imds
 *
 * manifests.test.ts fails while the ConfigMap and the files differ.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Document } from 'yaml';

export const addonDir = fileURLToPath(new URL('../../labs/addons/imds/', import.meta.url));
export const serverConfigMapFile = `${addonDir}imds-server.yaml`;
export const embeddedFiles = ['server.py', 'node-route.sh'] as const;

export async function renderServerConfigMap(): Promise<string> {
  const data: Record<string, string> = {};
  for (const file of embeddedFiles) data[file] = await readFile(`${addonDir}${file}`, 'utf8');
  const document = new Document({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'imds-server',
      namespace: 'k8s-sec-lab-system',
      labels: {
        'app.kubernetes.io/name': 'imds-emulator',
        'app.kubernetes.io/part-of': 'k8s-sec-lab',
        'app.kubernetes.io/managed-by': 'k8s-sec-lab',
      },
    },
    data,
  });
  document.commentBefore =
    ' GENERATED from server.py and node-route.sh: do not edit.\n' +
    ' Regenerate with: npm run generate:imds';
  // Literal blocks keep the code readable and byte for byte what the files hold.
  return document.toString({ blockQuote: 'literal', lineWidth: 0 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(serverConfigMapFile, await renderServerConfigMap());
  console.log(`wrote ${serverConfigMapFile}`);
}
