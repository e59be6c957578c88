import type { PodView } from '../pod-view.js';
import { show } from '../json.js';
import type { FieldViolation } from '../types.js';
import type { Complaint } from './field-rule.js';

/** One violation per annotation whose key `selects` and whose value `isAllowed` rejects, in key order. */
export function annotationViolations(
  pod: PodView,
  selects: (key: string) => boolean,
  isAllowed: (value: unknown) => boolean,
  complain: (key: string, value: unknown) => Complaint,
): FieldViolation[] {
  return Object.keys(pod.annotations)
    .filter((key) => selects(key) && !isAllowed(pod.annotations[key]))
    .sort()
    .map((key) => ({ path: annotationPath(pod, key), ...complain(key, pod.annotations[key]) }));
}

function annotationPath(pod: PodView, key: string): string {
  return `${pod.paths.metadata}.annotations[${JSON.stringify(key)}]`;
}

export function describeAnnotation(key: string, value: unknown): string {
  return `annotation ${key}=${show(value)}`;
}
