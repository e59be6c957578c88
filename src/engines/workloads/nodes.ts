import type { KubeObject } from '../../model/k8s.js';
import { listOf, objectOrEmpty, type JsonObject } from '../pod-security/json.js';

interface Taint {
  key?: string;
  value?: string;
  effect?: string;
}

/** Tolerations the DaemonSet controller adds to every pod it creates (pkg/controller/daemon/util). */
const daemonSetTolerations: JsonObject[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** v1.Toleration.ToleratesTaint. */
function tolerates(toleration: JsonObject, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/**
 * Why a DaemonSet with this pod spec places no pod on the node, as far as the
 * spec tells: a NoSchedule or NoExecute taint it does not tolerate, a
 * nodeSelector or required node affinity the node does not match. Undefined
 * when the spec allows the node (the pod may still be missing or not ready).
 */
export function whyNotScheduled(podSpec: unknown, node: KubeObject): string | undefined {
  const spec = objectOrEmpty(podSpec);
  const tolerations = [...listOf(spec.tolerations).map(objectOrEmpty), ...daemonSetTolerations];
  for (const taint of listOf(objectOrEmpty(node.spec).taints).map((entry) => objectOrEmpty(entry) as Taint)) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((toleration) => tolerates(toleration, taint))) {
      return `its taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect} is not tolerated`;
    }
  }
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(objectOrEmpty(spec.nodeSelector))) {
    if (labels[key] !== value) return `the nodeSelector ${key}=${String(value)} does not match it`;
  }
  const required = objectOrEmpty(objectOrEmpty(objectOrEmpty(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const terms = listOf(required.nodeSelectorTerms).map(objectOrEmpty);
  if (terms.length > 0 && !terms.some((term) => termMatches(term, node))) return 'the required node affinity does not match it';
  return undefined;
}

function termMatches(term: JsonObject, node: KubeObject): boolean {
  const labels = node.metadata?.labels ?? {};
  const fields: Record<string, string> = { 'metadata.name': node.metadata?.name ?? '' };
  const expressions = listOf(term.matchExpressions).map(objectOrEmpty);
  const fieldExpressions = listOf(term.matchFields).map(objectOrEmpty);
  if (expressions.length === 0 && fieldExpressions.length === 0) return false;
  return expressions.every((expression) => requirementHolds(expression, labels)) && fieldExpressions.every((expression) => requirementHolds(expression, fields));
}

function requirementHolds(requirement: JsonObject, values: Record<string, string>): boolean {
  const key = String(requirement.key ?? '');
  const present = Object.hasOwn(values, key);
  const value = values[key];
  const wanted = listOf(requirement.values).map(String);
  switch (requirement.operator) {
    case 'In':
      return present && wanted.includes(value!);
    case 'NotIn':
      return !present || !wanted.includes(value!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
      return present && Number(value) > Number(wanted[0]);
    case 'Lt':
      return present && Number(value) < Number(wanted[0]);
    default:
      return false;
  }
}
