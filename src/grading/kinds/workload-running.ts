import { z } from 'zod';
import { rolloutProblems, whyNotScheduled } from '../../engines/workloads/index.js';
import { objectOrEmpty, listOf } from '../../engines/pod-security/json.js';
import { objectRef, type KubeObject, type Pod } from '../../model/k8s.js';
import { kinds, type ClusterView } from '../cluster-view.js';
import { dnsLabel, labelSelectorSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector, matching } from '../select.js';
import { fail, pass, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

const workloadKinds = { DaemonSet: 'apps/v1', Deployment: 'apps/v1', StatefulSet: 'apps/v1' } as const;

const fields = {
  namespace: dnsLabel,
  /** The workload, found by the labels of its pod template, not by its name: recreating it under another name is fine. */
  workload: z
    .object({
      kind: z.enum(['DaemonSet', 'Deployment', 'StatefulSet']),
      selector: labelSelectorSchema,
    })
    .strict(),
  /** DaemonSet: the nodes the goal names, each of which must run an available pod (default: every node, the control plane's included). */
  nodes: z.object({ selector: labelSelectorSchema.default({}) }).strict().optional(),
  /** Deployment or StatefulSet: at least this many available replicas in all. */
  minAvailable: z.number().int().min(1).default(1),
};
type WorkloadRunningSpec = KindSpec<typeof fields>;

/**
 * A workload keeps running as the goal says: it exists (found by its pod
 * labels), its rollout has converged (the controller saw the latest
 * generation, every wanted pod runs the current template and is
 * available), and a DaemonSet has an available pod on every node the goal
 * names, so an agent that lost its tolerations or got a nodeSelector fails
 * for the nodes it left, with the reason.
 */
export const workloadRunning = defineKind({
  fields,
  refine(spec, ctx) {
    if (spec.nodes && spec.workload.kind !== 'DaemonSet') ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'only a DaemonSet runs one pod per node: drop nodes or use kind DaemonSet' });
  },

  async run(spec, { view, scenario }) {
    const missing = await missingNamespace(view, scenario, spec.namespace);
    if (missing) return missing;
    const { kind, selector } = spec.workload;
    const ref = { apiVersion: workloadKinds[kind], kind };
    const workloads = (await view.list(ref, spec.namespace)).filter((object) => !object.metadata?.deletionTimestamp && matching([{ metadata: { labels: templateLabels(object) } }], selector).length === 1);
    const what = `${kind} in ${spec.namespace} whose pods are labelled ${describeSelector(selector)}`;
    if (workloads.length === 0) {
      return fail(`there is no ${what}`, { object: what, observed: 'none', expected: `a ${kind} running those pods` });
    }

    if (kind === 'DaemonSet') {
      const gap = await nodeGap(view, spec, workloads, what);
      if (gap) return gap;
    }
    for (const workload of workloads) {
      const problems = rolloutProblems(workload);
      if (problems.length > 0) {
        const name = `${kind} ${objectRef(workload)}`;
        return fail(`${name} has not finished rolling out: ${problems.join('; ')}`, { object: name, observed: problems.join('; '), expected: 'every wanted pod updated and available' });
      }
    }
    if (kind !== 'DaemonSet') {
      const available = workloads.reduce((sum, workload) => sum + (Number(objectOrEmpty(workload.status).availableReplicas) || 0), 0);
      if (available < spec.minAvailable) {
        return fail(`${available} available replicas of ${what}, need at least ${spec.minAvailable}`, { object: what, observed: `${available} available`, expected: `at least ${spec.minAvailable}` });
      }
      return pass(`${what}: ${available} available replicas, fully rolled out`);
    }
    return pass(`${what} runs an available pod on every node it should, fully rolled out`);
  },

  watch: (spec) => [target({ apiVersion: workloadKinds[spec.workload.kind], kind: spec.workload.kind }, spec.namespace), target(watched.pod, spec.namespace), target(kinds.node)],
});

/** The nodes the goal names that have no available pod of the DaemonSets, each with the reason the spec gives. */
async function nodeGap(view: ClusterView, spec: WorkloadRunningSpec, daemonSets: KubeObject[], what: string): Promise<Verdict | undefined> {
  const nodes = matching(await view.list(kinds.node), spec.nodes?.selector ?? {});
  if (nodes.length === 0) return fail('no node matches: the goal names nodes the cluster does not have', { object: 'nodes', observed: 'none', expected: 'at least one node' });
  const owners = new Set(daemonSets.map((daemonSet) => daemonSet.metadata?.uid));
  const pods = await view.list<Pod>(kinds.pod, spec.namespace);
  const covered = new Set(
    pods
      .filter((pod) => !pod.metadata?.deletionTimestamp && pod.metadata?.ownerReferences?.some((owner) => owner.controller && owners.has(owner.uid)) && isReady(pod))
      .map((pod) => pod.spec?.nodeName),
  );
  const uncovered = nodes.filter((node) => !covered.has(node.metadata?.name));
  if (uncovered.length === 0) return undefined;
  const templateSpec = objectOrEmpty(objectOrEmpty(daemonSets[0]!.spec).template).spec;
  const reasons = uncovered.map((node) => `${node.metadata?.name} (${whyNotScheduled(templateSpec, node) ?? 'no available pod there yet'})`);
  const scope = spec.nodes && describeSelector(spec.nodes.selector) !== '(all pods)' ? `nodes labelled ${describeSelector(spec.nodes.selector)}` : 'nodes';
  return fail(`${what} runs available pods on ${nodes.length - uncovered.length} of the ${nodes.length} ${scope}: none on ${reasons.join(', ')}`, {
    object: what,
    observed: `missing on ${uncovered.map((node) => node.metadata?.name).join(', ')}`,
    expected: `an available pod on each of the ${nodes.length} ${scope}`,
  });
}

function templateLabels(workload: KubeObject): Record<string, string> {
  return objectOrEmpty(objectOrEmpty(objectOrEmpty(workload.spec).template).metadata).labels as Record<string, string>;
}

function isReady(pod: Pod): boolean {
  return listOf((pod.status as { conditions?: unknown } | undefined)?.conditions).some((condition) => {
    const fields = objectOrEmpty(condition);
    return fields.type === 'Ready' && fields.status === 'True';
  });
}
