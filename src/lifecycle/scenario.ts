import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario } from '../catalogue/load.js';
import { installAddon, isAddonInstalled } from '../cluster/addons.js';
import { requireLabCluster } from '../cluster/guard.js';
import { scenarioLabel, systemNamespace } from '../names.js';
import { LabError, wrapError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { resourceType } from '../kube/resources.js';
import { noImageMap, type ImageMap } from '../manifests/image-map.js';
import type { KubeObject } from '../model/k8s.js';
import { scenarioNamespaces, scenarioObjects } from './manifests.js';
import { flagSecret, flagValues, forgetFlags, plantFlags } from './flags.js';
import { applyImdsFlags } from './imds-flags.js';
import { plantNodeFlags } from './node-flags.js';
import { runSecret } from './run-secret.js';
import { startedMarker } from './started-marker.js';
import { settleAdmission, waitForWorkloads } from './wait.js';

export type Log = (line: string) => void;

/**
 * Deploys the vulnerable starting point. Idempotent: every object goes
 * through server-side apply as the lab's field manager, so starting twice
 * changes nothing but the run token. Add-ons are applied every time: that
 * also returns their settings (e.g. the IMDS hop limit a learner changed)
 * to the vulnerable defaults, which is what reset relies on. Every image
 * goes through `images`.
 */
export async function startScenario(scenario: Scenario, client: KubeClient, log: Log, images: ImageMap): Promise<Map<string, string>> {
  await requireLabCluster(client);
  for (const addon of scenario.addons) {
    if (!(await isAddonInstalled(client, addon))) log(`installing the ${addon} add-on`);
    await installAddon(client, addon, () => {}, images);
  }
  const flags = await flagValues(client, scenario);
  const objects = plantFlags(await scenarioObjects(scenario, 'setup', images), flags);
  // A setup Namespace manifest (with its labels) replaces the bare one: one apply per object.
  const declared = new Set(objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata?.name));
  const namespaces = scenarioNamespaces(scenario).filter((namespace) => !declared.has(namespace.metadata?.name));
  const flagSecrets = flags.size > 0 ? [flagSecret(scenario.id, flags)] : [];
  // The started marker goes last: a start that failed part-way has not started the scenario.
  await applyAll(client, [...flagSecrets, ...namespaces, ...objects, runSecret(scenario)], 'deploy the setup');
  try {
    await applyImdsFlags(client, scenario, flags);
  } catch (error) {
    throw wrapError('could not plant the IMDS flags (ConfigMap k8s-sec-lab-system/imds-flags)', error);
  }
  await plantOnNodes(scenario, client, flags, log, images);
  await applyAll(client, [startedMarker(scenario)], 'mark the scenario started');
  log(`applied ${objects.length} objects to ${scenario.namespaces.join(', ')}`);
  await settleAdmission(objects);
  // The add-ons too: restoring one (a learner narrowed the IMDS emulator) rolls it out again.
  await waitForWorkloads(client, [...scenario.namespaces, ...(scenario.addons.length > 0 ? [systemNamespace] : [])], log);
  return flags;
}

/**
 * Node-file flags, planted from inside the cluster once their Secret exists. On
 * a cluster whose nodes run nothing (the test control plane's fake nodes) the
 * planting cannot be observed: start goes on and says the flag is not planted.
 */
async function plantOnNodes(scenario: Scenario, client: KubeClient, flags: ReadonlyMap<string, string>, log: Log, images: ImageMap): Promise<void> {
  const nodeFlags = scenario.flags.filter((flag) => flag.plantedBy === 'node-file').map((flag) => ({ id: flag.id, value: flags.get(flag.id) ?? '' }));
  if (nodeFlags.length === 0) return;
  const planting = await plantNodeFlags(client, scenario.id, nodeFlags, log, images);
  if (planting.state === 'unproven') {
    log(`flag ${nodeFlags.map((flag) => flag.id).join(', ')}: not planted, or at least not provably: ${planting.reason}`);
  }
}

/** Applies the reference solution: deletions first, then server-side apply of the solution objects. */
export async function solveScenario(scenario: Scenario, client: KubeClient, log: Log, images: ImageMap): Promise<void> {
  await requireLabCluster(client);
  for (const target of scenario.solution.delete) {
    if (await client.delete(target, target.name, target.namespace)) log(`deleted ${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name}`);
  }
  const objects = await scenarioObjects(scenario, 'solution', images);
  await applyAll(client, objects, 'apply the solution');
  await settleAdmission(objects);
  log(`applied ${objects.length} solution objects`);
  await waitForWorkloads(client, scenario.namespaces, log);
}

/**
 * Returns to the vulnerable start: deletes the scenario's namespaces (and with
 * them everything the learner added there) and its cluster-scoped objects,
 * waits until they are gone, then starts again.
 */
export async function resetScenario(scenario: Scenario, client: KubeClient, log: Log, images: ImageMap, timeoutMs = 180_000): Promise<Map<string, string>> {
  await requireLabCluster(client);
  const namespace = { apiVersion: 'v1', kind: 'Namespace' };
  for (const name of scenario.namespaces) {
    if (!(await client.delete(namespace, name))) continue;
    log(`deleting namespace ${name}`);
    // Its pods would otherwise get their full grace period (30 s by default)
    // to stop; the terminating namespace already refuses new ones.
    await client.deleteAllIn({ apiVersion: 'v1', kind: 'Pod' }, name, { gracePeriodSeconds: 1 });
  }
  for (const kind of await clusterScopedKinds(scenario)) {
    for (const object of await client.list(kind, { labelSelector: `${scenarioLabel}=${scenario.id}` })) {
      if (object.metadata?.name && (await client.delete(kind, object.metadata.name))) log(`deleted ${kind.kind} ${object.metadata.name}`);
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of scenario.namespaces) {
    if (await client.get(namespace, name)) log(`waiting for namespace ${name} to be finalized`);
    while (await client.get(namespace, name)) {
      if (Date.now() > deadline) {
        throw new LabError(`namespace ${name} is still terminating after ${timeoutMs / 1000}s`, {
          fix: `see what holds it: kubectl get namespace ${name} -o yaml`,
        });
      }
      await sleep(250);
    }
  }
  // New flag values: the old ones must no longer be accepted.
  await forgetFlags(client, scenario);
  return startScenario(scenario, client, log, images);
}

async function clusterScopedKinds(scenario: Scenario): Promise<{ apiVersion: string; kind: string }[]> {
  // Only the kinds matter here, not the images.
  const objects = [...(await scenarioObjects(scenario, 'setup', noImageMap)), ...(await scenarioObjects(scenario, 'solution', noImageMap))];
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const object of objects) {
    const type = resourceType(object.apiVersion, object.kind);
    if (type && !type.namespaced && type.kind !== 'Namespace') kinds.set(`${type.apiVersion}/${type.kind}`, { apiVersion: type.apiVersion, kind: type.kind });
  }
  return [...kinds.values()];
}

async function applyAll(client: KubeClient, objects: KubeObject[], purpose: string): Promise<void> {
  for (const object of objects) {
    try {
      await client.apply(object);
    } catch (error) {
      throw wrapError(`could not ${purpose}: ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`, error);
    }
  }
}
