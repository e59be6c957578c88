import type { KubeObject } from '../../model/k8s.js';
import { objectOrEmpty, listOf } from '../pod-security/json.js';
import type { PodPaths } from '../pod-security/pod-view.js';
import { podTemplateOf } from '../pod-security/workload.js';

/** One pod spec that runs, or that a controller can still create pods from. */
export interface PodSpecSource {
  /** For messages: `Pod shop/api-7d9c` or `Deployment shop/api's pod template`. */
  label: string;
  /** The object it belongs to: `Pod shop/api-7d9c`, `Deployment shop/api`. */
  object: string;
  /** A live pod, or the template of a workload. */
  live: boolean;
  owner: KubeObject;
  metadata: unknown;
  spec: unknown;
  paths: PodPaths;
  labels: Record<string, string>;
}

/**
 * The pod specs of a namespace that can run: every live pod (not terminating,
 * not finished), and the pod template of every workload whose controller can
 * still create pods from it, whether or not its current pods already match
 * it (a DaemonSet with updateStrategy OnDelete keeps old pods until they are
 * deleted; a Deployment at 0 replicas can be scaled up). Left out: a
 * ReplicaSet its Deployment scaled to 0 (an old revision; rolling back changes
 * the Deployment, which is judged), a finished Job, anything being deleted.
 * Pods come first, so a message names a running pod before a template.
 */
export function podSpecSources(objects: readonly KubeObject[]): PodSpecSource[] {
  const live: PodSpecSource[] = [];
  const templates: PodSpecSource[] = [];
  for (const object of objects) {
    if (object.metadata?.deletionTimestamp || !canCreatePods(object)) continue;
    const outcome = podTemplateOf(object);
    if (outcome.status !== 'template') continue;
    const name = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '(unnamed)'}`;
    const isPod = object.kind === 'Pod';
    (isPod ? live : templates).push({
      label: isPod ? name : `${name}'s pod template`,
      object: name,
      live: isPod,
      owner: object,
      metadata: outcome.metadata,
      spec: outcome.spec,
      paths: outcome.paths,
      labels: stringRecord(objectOrEmpty(outcome.metadata).labels),
    });
  }
  return [...live, ...templates];
}

function canCreatePods(object: KubeObject): boolean {
  const spec = objectOrEmpty(object.spec);
  const status = objectOrEmpty(object.status);
  switch (object.kind) {
    case 'Pod':
      return status.phase !== 'Succeeded' && status.phase !== 'Failed';
    case 'ReplicaSet':
      return !(spec.replicas === 0 && object.metadata?.ownerReferences?.some((owner) => owner.controller && owner.kind === 'Deployment'));
    case 'Job':
      return !listOf(status.conditions).some((condition) => {
        const fields = objectOrEmpty(condition);
        return (fields.type === 'Complete' || fields.type === 'Failed') && fields.status === 'True';
      });
    default:
      return true;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(objectOrEmpty(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
