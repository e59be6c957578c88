import { z } from 'zod';
import { evaluatePodSecurity, levelRank, type Violation } from '../../engines/pod-security/index.js';
import type { KubeObject } from '../../model/k8s.js';
import { kinds } from '../cluster-view.js';
import type { GradingContext } from '../context.js';
import { podSelectionSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector, selectPods } from '../select.js';
import { fail, pass, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { podRunningTargets, podSpecsIn } from '../workloads.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  pods: podSelectionSchema,
  level: z.enum(['baseline', 'restricted']),
  version: z.string().regex(/^(latest|v1\.\d+)$/).default('latest'),
  /** Fewer matching pods is a failure: deleting the workload is not a fix. */
  minPods: z.number().int().min(0).default(1),
  /**
   * Also judge the pod template of every workload whose pods match (true by
   * default): a controller creates its next pods from it, whatever the pods
   * running now look like (a DaemonSet with updateStrategy OnDelete keeps its
   * old, hardened pods while its template is privileged again).
   */
  templates: z.boolean().default(true),
};
type PodSecuritySpec = KindSpec<typeof fields>;

/**
 * Live pods, and the pod templates their controllers create the next pods
 * from, must meet a Pod Security level. Pods first: a Deployment is admitted
 * whatever its template says, and where enforcement rejects the template its
 * ReplicaSet reports FailedCreate events instead of pods, which this check
 * surfaces; then every template, so pods hardened by hand or kept by an
 * OnDelete update strategy do not hide what comes next.
 */
export const podSecurity = defineKind({
  fields,
  run: gradePodSecurity,
  watch: (spec) => [...(spec.templates ? podRunningTargets(spec.pods.namespace) : [target(watched.pod, spec.pods.namespace)]), target(watched.event, spec.pods.namespace)],
});

async function gradePodSecurity(spec: PodSecuritySpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const missing = await missingNamespace(view, scenario, spec.pods.namespace);
  if (missing) return missing;
  const pods = await selectPods(view, spec.pods);
  const where = `pods matching ${describeSelector(spec.pods.selector)} in ${spec.pods.namespace}`;

  if (pods.length < spec.minPods) {
    const refusal = await latestFailedCreate(view, spec.pods.namespace);
    const because = refusal ? `; the controller cannot create them: ${refusal}` : '';
    return fail(`found ${pods.length} ${where}, need at least ${spec.minPods}${because}`, {
      object: where,
      observed: `${pods.length} pods`,
      expected: `at least ${spec.minPods} running pods meeting ${spec.level}`,
    });
  }

  const judged = (await podSpecsIn(view, spec.pods.namespace, spec.pods.selector)).filter((source) => source.live || spec.templates);
  for (const source of judged) {
    const result = evaluatePodSecurity(source.metadata, source.spec, { version: spec.version, paths: source.paths });
    const blocking = result.violations.filter((violation) => levelRank[violation.level] <= levelRank[spec.level]);
    if (blocking.length > 0) {
      const first = blocking[0] as Violation;
      const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more: ${blocking.slice(1).map((v) => v.check).join(', ')})` : '';
      const next = source.live ? '' : '. Its controller creates the next pods from this template, whatever the running pods look like';
      return fail(`${source.label} meets only ${result.level}: ${first.check}: ${first.message}${more}. Fix: ${first.fix}${next}`, {
        object: source.label,
        path: first.path,
        observed: first.message,
        expected: `meets Pod Security "${spec.level}" (${spec.version})`,
      });
    }
  }
  const templates = judged.filter((source) => !source.live).length;
  if (templates > 0) return pass(`all ${pods.length} ${where}, and the ${templates} pod templates with those labels, meet Pod Security "${spec.level}"`);
  return pass(`all ${pods.length} ${where} meet Pod Security "${spec.level}"`);
}

/** The newest FailedCreate event message in the namespace, e.g. a PodSecurity refusal. */
async function latestFailedCreate(view: GradingContext['view'], namespace: string): Promise<string | undefined> {
  const events = await view.list<KubeObject & { reason?: string; message?: string; lastTimestamp?: string; eventTime?: string }>(kinds.event, namespace);
  const failed = events
    .filter((event) => event.reason === 'FailedCreate')
    .sort((a, b) => (b.lastTimestamp ?? b.eventTime ?? '').localeCompare(a.lastTimestamp ?? a.eventTime ?? ''));
  return failed[0]?.message;
}

