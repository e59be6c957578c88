import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { parseManifests } from '../manifests/load.js';
import type { KubeObject } from '../model/k8s.js';
import { labsDir } from '../lab-dirs.js';
import { systemNamespace } from '../names.js';

/** Lab add-ons: folders of manifests under labs/addons/<name>/, installed into k8s-sec-lab-system. */
const addons = {
  imds: { appName: 'imds-emulator' },
} as const;

export type AddonName = keyof typeof addons;
export const addonNames = Object.keys(addons) as AddonName[];

export async function addonManifests(name: AddonName): Promise<KubeObject[]> {
  const dir = join(labsDir, 'addons', name);
  const files = (await readdir(dir)).filter((file) => file.endsWith('.yaml')).sort();
  const objects: KubeObject[] = [];
  for (const file of files) objects.push(...parseManifests(await readFile(join(dir, file), 'utf8'), join(dir, file)).map(({ object }) => object));
  return objects;
}

/** Whether the add-on's DaemonSet exists (its pods may still be starting). */
export async function isAddonInstalled(client: KubeClient, name: AddonName): Promise<boolean> {
  const daemonSets = await client.list(
    { apiVersion: 'apps/v1', kind: 'DaemonSet' },
    { namespace: systemNamespace, labelSelector: `app.kubernetes.io/name=${addons[name].appName}` },
  );
  return daemonSets.length > 0;
}

/**
 * Installs (or updates) an add-on with server-side apply. Namespaces first,
 * so the rest has somewhere to go. The caller has passed the context guard.
 */
export async function installAddon(client: KubeClient, name: AddonName, log: (line: string) => void): Promise<void> {
  const objects = await addonManifests(name);
  const ordered = [...objects.filter((object) => object.kind === 'Namespace'), ...objects.filter((object) => object.kind !== 'Namespace')];
  for (const object of ordered) {
    try {
      await client.apply(object);
    } catch (error) {
      throw new LabError(`installing add-on ${name} failed at ${object.kind} ${object.metadata?.name}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  log(`add-on ${name}: applied ${objects.length} objects`);
}
