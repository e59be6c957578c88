import { z } from 'zod';
import { describeRefuser, type Refusal } from '../../engines/admission/refusal.js';
import type { KubeObject } from '../../model/k8s.js';
import { admissionTargets, describeObject as describe, dryRunCreate, refineReplay, replayEach, replayFields, templatePod } from '../admission-replay.js';
import type { GradingContext } from '../context.js';
import { dnsLabel } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { error, fail, pass, type Verdict } from '../types.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  ...replayFields,
  /** Text the refusal must contain when this lesson wants one control (e.g. "PodSecurity"); any admission refusal counts without it. */
  reasonContains: z.string().min(1).optional(),
  /**
   * The workload object itself must be refused when it is applied; a refusal of only the pods
   * it would create does not count (it is admitted, then fails quietly in its controller).
   */
  workloadItself: z.boolean().default(false),
};
type AdmissionDeniedSpec = KindSpec<typeof fields>;

/**
 * Replays the attacker's objects as server-side dry runs: the API server runs
 * validation and every admission plugin but stores nothing. Each object must
 * be refused by admission (Pod Security, a ValidatingAdmissionPolicy, a
 * webhook, a quota or LimitRange), and the verdict says who refused. A
 * workload that is admitted while its pods would be refused counts as
 * refused (Pod Security judges pods, never their controllers), unless the
 * check asks for the workload itself to be refused. A refusal
 * that is not admission (RBAC refusing the lab, a broken manifest) is an
 * error: it cannot prove the control works.
 */
export const admissionDenied = defineKind({
  fields,
  refine: refineReplay,
  run: (spec, ctx) => replayEach(spec, ctx, (object) => judgeObject(object, spec, ctx.view.client), { observed: 'all refused', expected: expectedRefusal(spec) }),
  watch: (spec) => admissionTargets(spec.namespace),
});

async function judgeObject(object: KubeObject, spec: AdmissionDeniedSpec, client: GradingContext['view']['client']): Promise<Verdict> {
  const what = describe(object);
  const expected = expectedRefusal(spec);
  const outcome = await dryRunCreate(client, object);
  if (outcome.status === 'error') return error(`could not replay ${what}: ${outcome.message}`);
  if (outcome.status === 'refused') return judgeRefusal(what, outcome.refusal, spec);

  // Admitted. A workload's pods meet admission only when its controller creates them: replay its template as a Pod.
  const pod = templatePod(object, spec.namespace);
  if (!pod) return fail(`the API server admits ${what} (server-side dry run): nothing stops the attacker from creating it`, { object: what, observed: 'admitted', expected });
  const podOutcome = await dryRunCreate(client, pod);
  if (podOutcome.status === 'error') return error(`could not replay the pods of ${what}: ${podOutcome.message}`);
  if (podOutcome.status === 'admitted') {
    return fail(`the API server admits ${what} and the pods it would create (server-side dry runs): nothing stops the attacker from running it`, { object: what, observed: 'admitted, and its pods too', expected });
  }
  const verdict = judgeRefusal(`the pods of ${what}`, podOutcome.refusal, spec);
  if (verdict.status !== 'pass') return verdict;
  if (spec.workloadItself) {
    return fail(
      `the API server admits ${what} itself (server-side dry run) and refuses only the pods it would create (${describeRefuser(podOutcome.refusal.refuser)}): the ${object.kind} is stored, and its controller fails later, quietly`,
      { object: what, observed: 'admitted; only its pods refused', expected: `the ${object.kind} refused when it is applied` },
    );
  }
  return pass(
    `the API server admits ${what} itself (${podOutcome.refusal.refuser.by === 'PodSecurity' ? 'Pod Security judges pods, not their controllers' : 'its controller creates the pods later'}), but refuses the pods it would create: ${describeRefuser(podOutcome.refusal.refuser)}: ${podOutcome.refusal.detail}`,
    verdict.evidence,
  );
}

function judgeRefusal(what: string, refusal: Refusal, spec: AdmissionDeniedSpec): Verdict {
  const by = describeRefuser(refusal.refuser);
  const evidence = { object: what, observed: `refused by ${by}: ${refusal.detail}`, expected: expectedRefusal(spec) };
  if (spec.reasonContains && !`${refusal.refuser.by} ${by} ${refusal.detail}`.includes(spec.reasonContains)) {
    return fail(`the API server refuses ${what}, but by ${by} (${refusal.detail}), and this check asks for a refusal by ${spec.reasonContains}`, evidence);
  }
  return pass(`the API server refuses ${what}: ${by}: ${refusal.detail}`, evidence);
}

function expectedRefusal(spec: AdmissionDeniedSpec): string {
  return spec.reasonContains ? `refused by ${spec.reasonContains}` : 'refused by admission (Pod Security, an admission policy or webhook, a quota)';
}
