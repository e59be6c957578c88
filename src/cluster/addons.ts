import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError, messageOf } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { noImageMap, rewriteImages, type ImageMap } from '../manifests/image-map.js';
import { parseManifests } from '../manifests/load.js';
import type { KubeObject } from '../model/k8s.js';
import { labsDir } from '../lab-dirs.js';
import { systemNamespace } from '../names.js';

/**
 * Lab add-ons: folders of manifests under labs/addons/<name>/, installed into
 * k8s-sec-lab-system. Each plays something outside the cluster that a scenario
 * talks to, so that no packet leaves the machine: imds the EC2 metadata service
 * at 169.254.169.254, acquirer the payment acquirer's API at 203.0.113.10:443,
 * pod-identity the EKS Pod Identity Agent at 169.254.170.23.
 */
const addons = {
  imds: { appName: 'imds-emulator' },
  acquirer: { appName: 'acquirer' },
  // Needs the imds add-on's Namespace: a scenario lists it after imds.
  'pod-identity': { appName: 'eks-pod-identity-agent' },
} as const;

export type AddonName = keyof typeof addons;
export const addonNames = Object.keys(addons) as AddonName[];

/** An add-on's objects, their images through the image map. */
export async function addonManifests(name: AddonName, images: ImageMap): Promise<KubeObject[]> {
  const dir = join(labsDir, 'addons', name);
  const files = (await readdir(dir)).filter((file) => file.endsWith('.yaml')).sort();
  const objects: KubeObject[] = [];
  for (const file of files) objects.push(...parseManifests(await readFile(join(dir, file), 'utf8'), join(dir, file)).map(({ object }) => rewriteImages(object, images)));
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
 * Kinds a learner's fix (or cheat) edits in an add-on: reinstalling replaces
 * them whole, since server-side apply would keep fields other writers added.
 * The rest (Services, whose cluster IP cannot be replaced) are applied.
 */
const replacedKinds = new Set(['ConfigMap', 'DaemonSet', 'Deployment']);

/**
 * Installs an add-on, or restores it to its manifests: Namespaces first, so
 * the rest has somewhere to go. The caller has passed the context guard.
 */
export async function installAddon(client: KubeClient, name: AddonName, log: (line: string) => void, images: ImageMap): Promise<void> {
  const objects = await addonManifests(name, images);
  const ordered = [...objects.filter((object) => object.kind === 'Namespace'), ...objects.filter((object) => object.kind !== 'Namespace')];
  for (const object of ordered) {
    try {
      await (replacedKinds.has(object.kind ?? '') ? client.replace(object) : client.apply(object));
    } catch (error) {
      throw failedAt('installing', name, object, error);
    }
  }
  log(`add-on ${name}: applied ${objects.length} objects`);
}

/**
 * Removes an add-on's objects. The shared k8s-sec-lab-system Namespace stays
 * (other add-ons live there), and so does each node's unreachable route for
 * the add-on's address, so that traffic to it keeps failing on the node
 * instead of leaving the machine. Says how many objects it deleted.
 */
export async function removeAddon(client: KubeClient, name: AddonName): Promise<number> {
  let deleted = 0;
  // Which objects to delete does not depend on their images.
  for (const object of await addonManifests(name, noImageMap)) {
    if (object.kind === 'Namespace') continue;
    try {
      if (await client.delete({ apiVersion: object.apiVersion ?? '', kind: object.kind ?? '' }, object.metadata?.name ?? '', object.metadata?.namespace)) deleted++;
    } catch (error) {
      throw failedAt('removing', name, object, error);
    }
  }
  return deleted;
}

function failedAt(doing: string, name: AddonName, object: KubeObject, error: unknown): LabError {
  return new LabError(`${doing} add-on ${name} failed at ${object.kind} ${object.metadata?.name}: ${messageOf(error)}`, { cause: error });
}
