import { podSpecSources, type PodSpecSource } from '../engines/workloads/index.js';
import type { TypeRef } from '../kube/client.js';
import type { ClusterView } from './cluster-view.js';
import type { LabelSelectorSpec } from './fields.js';
import { matching } from './select.js';
import { target, type WatchTarget } from './watch.js';

/** Every kind that runs pods or creates them from a template. */
export const podRunningKinds: readonly TypeRef[] = [
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'v1', kind: 'ReplicationController' },
];

/**
 * The live pods and the pod templates that can still create pods in a
 * namespace (see podSpecSources), whose pod labels match the selector. One
 * LIST per kind, shared with every other check of the run.
 */
export async function podSpecsIn(view: ClusterView, namespace: string, selector: LabelSelectorSpec = {}): Promise<PodSpecSource[]> {
  const lists = await Promise.all(podRunningKinds.map((kind) => view.list(kind, namespace)));
  const sources = podSpecSources(lists.flat());
  const selected = new Set(matching(sources.map((source) => ({ metadata: { labels: source.labels }, source })), selector).map((entry) => entry.source));
  return sources.filter((source) => selected.has(source));
}

export function podRunningTargets(namespace: string): WatchTarget[] {
  return podRunningKinds.map((kind) => target(kind, namespace));
}
