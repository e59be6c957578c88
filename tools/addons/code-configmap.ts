/**
 * Renders the ConfigMaps that carry the add-ons' code into the cluster
 * (labs/addons/imds/imds-server.yaml, labs/addons/acquirer/acquirer-server.yaml,
 * labs/addons/pod-identity/pod-identity-server.yaml)
 * from the files they embed. After editing a server.py, agent.py or node-route.sh,
 * regenerate them with:
 *
 *   npm run generate:addons
 *
 * The add-ons' manifests tests fail while a ConfigMap and its files differ.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Document } from 'yaml';

export const addonsDir = fileURLToPath(new URL('../../labs/addons/', import.meta.url));

export interface CodeConfigMap {
  /** The generated manifest, relative to labs/addons/. */
  file: string;
  name: string;
  appName: string;
  /** ConfigMap key -> the file it holds, relative to labs/addons/. */
  embedded: Record<string, string>;
}

export const codeConfigMaps = {
  imds: {
    file: 'imds/imds-server.yaml',
    name: 'imds-server',
    appName: 'imds-emulator',
    embedded: { 'server.py': 'imds/server.py', 'node-route.sh': 'node-route.sh' },
  },
  acquirer: {
    file: 'acquirer/acquirer-server.yaml',
    name: 'acquirer-server',
    appName: 'acquirer',
    embedded: { 'server.py': 'acquirer/server.py', 'node-route.sh': 'node-route.sh' },
  },
  'pod-identity': {
    file: 'pod-identity/pod-identity-server.yaml',
    name: 'pod-identity-server',
    appName: 'eks-pod-identity-agent',
    embedded: { 'agent.py': 'pod-identity/agent.py' },
  },
} as const satisfies Record<string, CodeConfigMap>;

export async function renderCodeConfigMap(spec: CodeConfigMap): Promise<string> {
  const data: Record<string, string> = {};
  for (const [key, file] of Object.entries(spec.embedded)) data[key] = await readFile(`${addonsDir}${file}`, 'utf8');
  const document = new Document({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: spec.name,
      namespace: 'k8s-sec-lab-system',
      labels: {
        'app.kubernetes.io/name': spec.appName,
        'app.kubernetes.io/part-of': 'k8s-sec-lab',
        'app.kubernetes.io/managed-by': 'k8s-sec-lab',
      },
    },
    data,
  });
  document.commentBefore = ` GENERATED from ${Object.values(spec.embedded).join(' and ')} (in labs/addons/): do not edit.\n Regenerate with: npm run generate:addons`;
  // Literal blocks keep the code readable and byte for byte what the files hold.
  return document.toString({ blockQuote: 'literal', lineWidth: 0 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const spec of Object.values(codeConfigMaps)) {
    await writeFile(`${addonsDir}${spec.file}`, await renderCodeConfigMap(spec));
    console.log(`wrote labs/addons/${spec.file}`);
  }
}
