import { z } from 'zod';
import { evaluatePodSecurity, levelRank, type Violation } from '../../engines/pod-security/index.js';
import type { KubeObject } from '../../model/k8s.js';
import { objectRef } from '../../model/k8s.js';
import { kinds } from '../cluster-view.js';
import type { GradingContext } from '../context.js';
import { podSelectionSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector, selectPods } from '../select.js';
import { fail, pass, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  pods: podSelectionSchema,
  level: z.enum(['baseline', 'restricted']),
  version: z.string().regex(/^(latest|v1\.\d+)$/).default('latest'),
  /** Fewer matching pods is a failure: deleting the workload is not a fix. */
  minPods: z.number().int().min(0).default(1),
};
type PodSecuritySpec = KindSpec<typeof fields>;

/**
 * Live pods must meet a Pod Security level. Pods, not their Deployment: a
 * Deployment is admitted whatever its template says, and where enforcement
 * rejects the template its ReplicaSet reports FailedCreate events instead of
 * pods, which this check surfaces.
 */
export const podSecurity = defineKind({
  fields,
  run: gradePodSecurity,
  watch: (spec) => [target(watched.pod, spec.pods.namespace), target(watched.event, spec.pods.namespace)],
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

  for (const pod of pods) {
    const result = evaluatePodSecurity(pod.metadata, pod.spec, { version: spec.version });
    const blocking = result.violations.filter((violation) => levelRank[violation.level] <= levelRank[spec.level]);
    if (blocking.length > 0) {
      const first = blocking[0] as Violation;
      const name = `Pod ${objectRef(pod)}`;
      const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more: ${blocking.slice(1).map((v) => v.check).join(', ')})` : '';
      return fail(`${name} meets only ${result.level}: ${first.check}: ${first.message}${more}. Fix: ${first.fix}`, {
        object: name,
        path: first.path,
        observed: first.message,
        expected: `meets Pod Security "${spec.level}" (${spec.version})`,
      });
    }
  }
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

