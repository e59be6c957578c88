import { resourceType } from '../kube/resources.js';

/** A collection whose changes can change a verdict: the TUI watches it and re-grades. */
export interface WatchTarget {
  apiVersion: string;
  kind: string;
  /** Undefined for cluster-scoped kinds, and for "in every namespace". */
  namespace?: string;
}

export const watched = {
  pod: { apiVersion: 'v1', kind: 'Pod' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  event: { apiVersion: 'v1', kind: 'Event' },
  networkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  rbac: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  ],
  admissionPolicy: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' },
  admissionPolicyBinding: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' },
  resourceQuota: { apiVersion: 'v1', kind: 'ResourceQuota' },
  limitRange: { apiVersion: 'v1', kind: 'LimitRange' },
} as const;

/** A target for a kind, scoped to the namespace when the kind is namespaced. */
export function target(ref: { apiVersion: string; kind: string }, namespace?: string): WatchTarget {
  const type = resourceType(ref.apiVersion, ref.kind);
  return type?.namespaced && namespace ? { apiVersion: ref.apiVersion, kind: ref.kind, namespace } : { apiVersion: ref.apiVersion, kind: ref.kind };
}

/** One watch per (kind, namespace), kinds the lab cannot read dropped. */
export function distinctTargets(targets: Iterable<WatchTarget>): WatchTarget[] {
  const unique = new Map<string, WatchTarget>();
  for (const candidate of targets) {
    if (!resourceType(candidate.apiVersion, candidate.kind)) continue;
    unique.set(`${candidate.apiVersion}/${candidate.kind}@${candidate.namespace ?? '*'}`, candidate);
  }
  return [...unique.values()];
}
