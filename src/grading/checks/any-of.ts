import type { CheckSpec, SubCheckSpec } from '../../catalogue/schema.js';
import type { GradingContext } from '../context.js';
import { error, fail, pass, type Verdict } from '../types.js';

type AnyOfSpec = Extract<CheckSpec, { kind: 'any-of' }>;

/**
 * Passes when one alternative passes (a lesson with more than one valid fix).
 * When none passes but one could not be judged, the result is `error`: an
 * alternative that errored might have passed, so failing would be a guess.
 */
export async function anyOf(spec: AnyOfSpec, ctx: GradingContext, run: (spec: SubCheckSpec, ctx: GradingContext) => Promise<Verdict>): Promise<Verdict> {
  const verdicts = await Promise.all(spec.checks.map((alternative) => run(alternative, ctx)));
  const lines = spec.checks.map((alternative, index) => `${alternative.title}: ${verdicts[index]?.message ?? ''}`);
  const passed = verdicts.findIndex((verdict) => verdict.status === 'pass');
  if (passed >= 0) return pass(`${spec.checks[passed]?.title}: ${verdicts[passed]?.message}`, verdicts[passed]?.evidence);
  if (verdicts.some((verdict) => verdict.status === 'error')) return error(`no alternative passed and at least one could not be judged: ${lines.join(' | ')}`);
  if (verdicts.every((verdict) => verdict.status === 'skipped')) return verdicts[0] ?? error('no alternatives');
  return fail(`none of the accepted fixes is in place: ${lines.join(' | ')}`, verdicts.find((verdict) => verdict.status === 'fail')?.evidence);
}
