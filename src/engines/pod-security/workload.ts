import { objectOrUndefined } from './json.js';
import type { PodPaths } from './pod-view.js';

/** Where each kind keeps its pod template; a Pod is its own template. */
const templatePaths: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds that never run containers themselves, so Pod Security does not apply to them. */
const kindsWithoutPods = new Set([
  'APIService',
  'ClusterRole',
  'ClusterRoleBinding',
  'ConfigMap',
  'CSIDriver',
  'CustomResourceDefinition',
  'Endpoints',
  'EndpointSlice',
  'Event',
  'HorizontalPodAutoscaler',
  'Ingress',
  'IngressClass',
  'Lease',
  'LimitRange',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'NetworkPolicy',
  'Node',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'PodDisruptionBudget',
  'PriorityClass',
  'ResourceQuota',
  'Role',
  'RoleBinding',
  'RuntimeClass',
  'Secret',
  'Service',
  'ServiceAccount',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
]);

export type PodTemplateOutcome =
  | { status: 'template'; metadata: unknown; spec: unknown; paths: PodPaths }
  | { status: 'not-applicable' }
  | { status: 'unsupported'; reason: string };

export const supportedKinds: readonly string[] = Object.keys(templatePaths);

/**
 * The pod template of a Pod or workload, with the paths of its metadata and spec
 * inside the object (e.g. `spec.template.spec` for a Deployment). Kinds without
 * pods are not applicable; unknown kinds and workloads without a template are
 * unsupported, with the reason.
 */
export function podTemplateOf(object: unknown): PodTemplateOutcome {
  const fields = objectOrUndefined(object);
  const kind = fields?.kind;
  if (typeof kind !== 'string' || kind === '') return { status: 'unsupported', reason: 'the object has no kind' };
  if (kindsWithoutPods.has(kind)) return { status: 'not-applicable' };
  const segments = templatePaths[kind];
  if (!segments) {
    return { status: 'unsupported', reason: `kind ${kind} is not a Pod or a known workload (supported: ${supportedKinds.join(', ')})` };
  }
  let template: unknown = fields;
  for (const segment of segments) template = objectOrUndefined(template)?.[segment];
  const templateFields = objectOrUndefined(template);
  const prefix = segments.length === 0 ? '' : `${segments.join('.')}.`;
  if (!templateFields || !objectOrUndefined(templateFields.spec)) {
    return { status: 'unsupported', reason: `${kind} has no ${prefix}spec to evaluate` };
  }
  return {
    status: 'template',
    metadata: templateFields.metadata,
    spec: templateFields.spec,
    paths: { metadata: `${prefix}metadata`, spec: `${prefix}spec` },
  };
}
