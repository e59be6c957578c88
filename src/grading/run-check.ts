import type { AnyCheckSpec } from '../catalogue/schema.js';
import { messageOf } from '../errors.js';
import { accessReview } from './checks/access-review.js';
import { admissionDenied } from './checks/admission-denied.js';
import { anyOf } from './checks/any-of.js';
import { localProbe } from './checks/local-probe.js';
import { networkReach } from './checks/network-reach.js';
import { objectState } from './checks/object-state.js';
import { podSecurity } from './checks/pod-security.js';
import { runtimeProbe } from './checks/runtime-probe.js';
import type { GradingContext } from './context.js';
import { error, type Verdict } from './types.js';

type CheckFunction<K extends AnyCheckSpec['kind']> = (spec: Extract<AnyCheckSpec, { kind: K }>, ctx: GradingContext) => Promise<Verdict>;

/** The check kinds the engine knows; scenario data picks among them by `kind`. */
const checkKinds: { [K in AnyCheckSpec['kind']]: CheckFunction<K> } = {
  'object-state': objectState,
  'pod-security': podSecurity,
  'admission-denied': admissionDenied,
  'access-review': accessReview,
  'network-reach': networkReach,
  'runtime-probe': runtimeProbe,
  'local-probe': localProbe,
  'any-of': (spec, ctx) => anyOf(spec, ctx, runCheck),
};

/** Runs one check. Fail closed: anything thrown (API down, 403, timeout, odd data) is `error`, never `pass`. */
export async function runCheck(spec: AnyCheckSpec, ctx: GradingContext): Promise<Verdict> {
  let verdict: Verdict;
  try {
    const check = checkKinds[spec.kind] as CheckFunction<typeof spec.kind>;
    verdict = await check(spec as never, ctx);
  } catch (thrown) {
    return error(messageOf(thrown));
  }
  // The author's one sentence the learner must not miss, e.g. "deleting the app is not a fix".
  if (verdict.status !== 'fail' || !spec.onFail) return verdict;
  return { ...verdict, message: `${verdict.message.replace(/\.?$/, '.')} ${spec.onFail}` };
}
