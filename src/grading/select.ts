import type { LabelSelectorSpec, PodSelectionSpec } from './fields.js';
import { compileLabelSelector } from '../engines/network-policy/index.js';
import type { KubeObject, Pod } from '../model/k8s.js';
import { kinds, type ClusterView } from './cluster-view.js';

/** Objects whose labels match a (schema-validated) label selector. */
export function matching<T extends KubeObject>(objects: T[], selector: LabelSelectorSpec | undefined): T[] {
  const matches = compileLabelSelector(selector ?? {}, 'selector', () => undefined);
  return objects.filter((object) => matches(object.metadata?.labels ?? {}));
}

/** Pods of a selection that are not being deleted (a terminating pod is no longer the workload). */
export async function selectPods(view: ClusterView, selection: PodSelectionSpec): Promise<Pod[]> {
  const pods = await view.list<Pod>(kinds.pod, selection.namespace);
  return matching(pods, selection.selector).filter((pod) => !pod.metadata?.deletionTimestamp);
}

/** "app=api,tier=backend" for messages; "(all pods)" for an empty selector. */
export function describeSelector(selector: LabelSelectorSpec | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  const expressions = (selector?.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(', ')})` : ''}`);
  const parts = [...labels, ...expressions];
  return parts.length > 0 ? parts.join(',') : '(all pods)';
}
