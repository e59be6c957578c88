import { isWindowsPod, usesUserNamespace, type PodView } from './pod-view.js';
import type { FieldViolation, PodSecurityCheckId } from './types.js';

/** Evaluates one check against a pod; an empty list means the pod passes it. */
export type CheckFn = (pod: PodView) => FieldViolation[];

/** One revision of a check, in force from `minVersion` until the next revision (as upstream's VersionedCheck). */
export interface VersionedCheck {
  /** The first policy minor version (v1.<minor>) this revision applies to. */
  minVersion: number;
  evaluate: CheckFn;
  /** Baseline checks this restricted check replaces at the restricted level. */
  overrides?: readonly PodSecurityCheckId[];
}

export interface CheckDefinition {
  id: PodSecurityCheckId;
  level: 'baseline' | 'restricted';
  /** Revisions ordered by strictly increasing minVersion. */
  versions: readonly VersionedCheck[];
}

/** Upstream's 1.25 revisions: Windows pods (`spec.os.name: windows`) pass, API validation covers them. */
export function exceptWindowsPods(evaluate: CheckFn): CheckFn {
  return (pod) => (isWindowsPod(pod) ? [] : evaluate(pod));
}

/** Upstream's 1.35 revisions: pods in a user namespace (`spec.hostUsers: false`) pass. */
export function exceptUserNamespacePods(evaluate: CheckFn): CheckFn {
  return (pod) => (usesUserNamespace(pod) ? [] : evaluate(pod));
}
