import type { Scenario } from '../catalogue/load.js';
import type { AnyCheckSpec } from '../catalogue/schema.js';
import { resourceType } from '../kube/resources.js';

export interface WatchTarget {
  apiVersion: string;
  kind: string;
  /** Undefined for cluster-scoped kinds. */
  namespace?: string;
}

const pod = { apiVersion: 'v1', kind: 'Pod' };
const namespaceKind = { apiVersion: 'v1', kind: 'Namespace' };
const rbacKinds = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
];

/**
 * What to watch so that every change a check could see re-runs the checks:
 * derived from the checks themselves, one watch per (kind, namespace).
 */
export function watchTargets(scenario: Scenario): WatchTarget[] {
  const targets = new Map<string, WatchTarget>();
  const add = (ref: { apiVersion: string; kind: string }, namespace?: string) => {
    const type = resourceType(ref.apiVersion, ref.kind);
    if (!type) return;
    const target: WatchTarget = type.namespaced && namespace ? { ...ref, namespace } : { ...ref };
    targets.set(`${ref.apiVersion}/${ref.kind}@${target.namespace ?? '*'}`, target);
  };
  const visit = (check: AnyCheckSpec) => {
    switch (check.kind) {
      case 'object-state':
        return add(check.object, check.object.namespace);
      case 'pod-security':
        add(pod, check.pods.namespace);
        return add({ apiVersion: 'v1', kind: 'Event' }, check.pods.namespace);
      case 'admission-denied':
        // Admission depends on namespace labels (Pod Security) and admission policies.
        add(namespaceKind);
        add({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' });
        return;
      case 'access-review':
        for (const kind of rbacKinds) add(kind, check.resource.namespace);
        return;
      case 'network-reach':
        add(namespaceKind);
        for (const side of [check.from, check.to]) {
          const namespace = 'pods' in side ? side.pods.namespace : 'hypotheticalPod' in side ? side.hypotheticalPod.namespace : undefined;
          if (!namespace) continue;
          add(pod, namespace);
          add({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }, namespace);
        }
        return;
      case 'runtime-probe':
        return add(pod, check.from.namespace);
      case 'local-probe':
        return;
      case 'any-of':
        check.checks.forEach(visit);
    }
  };
  scenario.checks.forEach(visit);
  return [...targets.values()];
}
