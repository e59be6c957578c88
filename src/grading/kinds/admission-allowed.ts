import { z } from 'zod';
import { describeRefuser } from '../../engines/admission/refusal.js';
import { objectRef, type KubeObject } from '../../model/k8s.js';
import { admissionTargets, describeObject, dryRunCreate, refineReplay, replayEach, replayFields, templatePod, type DryRunOutcome } from '../admission-replay.js';
import type { GradingContext } from '../context.js';
import { checkExpectation } from '../field-paths.js';
import { dnsLabel, expectationSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { error, fail, pass, type Verdict } from '../types.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  ...replayFields,
  /**
   * Expectations on what admission made of it: the Pod as the API server would
   * store it (a workload's: the Pod replayed from its template), with LimitRange
   * defaults and mutating webhooks applied; any other object as admitted.
   */
  expect: z.array(expectationSchema).default([]),
};
type AdmissionAllowedSpec = KindSpec<typeof fields>;

/**
 * The legitimate path through admission: each object, created as a
 * server-side dry run, is admitted, and so are the pods a workload would
 * create (a Deployment admitted whose pods are refused fails quietly in its
 * ReplicaSet, so it is not admitted in any sense that matters). The
 * inverse of admission-denied, for "compliant pods still start" guards and
 * "pods that declare nothing get the defaults" fixes.
 */
export const admissionAllowed = defineKind({
  fields,
  refine: refineReplay,
  run: (spec, ctx) => replayEach(spec, ctx, (object) => judgeObject(object, spec, ctx.view.client), { observed: 'all admitted', expected: 'admitted' }),
  watch: (spec) => admissionTargets(spec.namespace),
});

async function judgeObject(object: KubeObject, spec: AdmissionAllowedSpec, client: GradingContext['view']['client']): Promise<Verdict> {
  const what = describeObject(object);
  // A generated name, so that a live object of the same name (AlreadyExists) cannot hide what admission returns.
  const outcome = await dryRunCreate(client, withGeneratedName(object));
  const refused = notAdmitted(what, outcome);
  if (refused) return refused;
  const pod = templatePod(object, spec.namespace);
  if (!pod) return judgeAdmitted(what, admittedObject(outcome), spec);
  const podOutcome = await dryRunCreate(client, pod);
  const podsRefused = notAdmitted(`the pods of ${what}`, podOutcome, `${what} itself is admitted, but its controller could not create a single pod`);
  return podsRefused ?? judgeAdmitted(`${what} and the pods it would create`, admittedObject(podOutcome), spec);
}

function notAdmitted(what: string, outcome: DryRunOutcome, context?: string): Verdict | undefined {
  if (outcome.status === 'error') return error(`could not replay ${what}: ${outcome.message}`);
  if (outcome.status === 'admitted') return undefined;
  const by = describeRefuser(outcome.refusal.refuser);
  return fail(`the API server refuses ${what}: ${by}: ${outcome.refusal.detail}${context ? ` (${context})` : ''}`, { object: what, observed: `refused by ${by}`, expected: 'admitted' });
}

function admittedObject(outcome: DryRunOutcome): KubeObject | undefined {
  return outcome.status === 'admitted' ? outcome.object : undefined;
}

function judgeAdmitted(what: string, admitted: KubeObject | undefined, spec: AdmissionAllowedSpec): Verdict {
  if (spec.expect.length === 0) return pass(`the API server admits ${what} (server-side dry run)`, { object: what, observed: 'admitted', expected: 'admitted' });
  if (!admitted) return error(`the API server admits ${what}, but returned no object to judge`);
  for (const expectation of spec.expect) {
    const outcome = checkExpectation(admitted, expectation);
    if (!outcome.ok) {
      const name = `${admitted.kind} ${objectRef(admitted)}`;
      return fail(`the API server admits ${what}, but as admitted ${outcome.path} is ${outcome.observed}, expected ${outcome.expected}`, { object: name, path: outcome.path, observed: outcome.observed, expected: outcome.expected });
    }
  }
  return pass(`the API server admits ${what}, and as admitted it holds every expectation`, { object: what, observed: 'admitted as expected', expected: 'admitted' });
}

function withGeneratedName(object: KubeObject): KubeObject {
  const { name, ...metadata } = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, generateName: `${name ?? object.metadata?.generateName ?? 'replay'}-` } };
}
