import type { KubeObject } from '../../model/k8s.js';
import { objectOrEmpty } from '../pod-security/json.js';

const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

/**
 * Why a workload's rollout has not converged, in words; empty when it has:
 * the controller saw the current generation, every wanted pod runs the
 * current template, and every one is available. A DaemonSet wants one pod
 * per node it schedules to; a Deployment or StatefulSet wants spec.replicas
 * (default 1), with no pods of an older template left.
 */
export function rolloutProblems(workload: KubeObject): string[] {
  const spec = objectOrEmpty(workload.spec);
  const status = objectOrEmpty(workload.status);
  const problems: string[] = [];
  const generation = workload.metadata?.generation ?? 0;
  if (count(status.observedGeneration) < generation) {
    problems.push(`its controller has not caught up with the latest change yet (observed generation ${count(status.observedGeneration)} of ${generation})`);
  }
  if (workload.kind === 'DaemonSet') {
    const desired = count(status.desiredNumberScheduled);
    const updated = count(status.updatedNumberScheduled);
    if (updated < desired) {
      const onDelete = objectOrEmpty(spec.updateStrategy).type === 'OnDelete';
      problems.push(`${updated} of its ${desired} pods run the current pod template${onDelete ? ' (updateStrategy OnDelete: the old pods stay until someone deletes them)' : ''}`);
    }
    const available = count(status.numberAvailable);
    if (available < desired) problems.push(`${available} of its ${desired} pods are available`);
    return problems;
  }
  const wanted = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const updated = count(status.updatedReplicas);
  if (updated < wanted) problems.push(`${updated} of its ${wanted} replicas run the current pod template`);
  const available = count(workload.kind === 'StatefulSet' ? (status.availableReplicas ?? status.readyReplicas) : status.availableReplicas);
  if (available < wanted) problems.push(`${available} of its ${wanted} replicas are available`);
  if (workload.kind === 'Deployment' && count(status.replicas) > wanted) problems.push(`${count(status.replicas) - wanted} pods of an older template are still running`);
  return problems;
}
