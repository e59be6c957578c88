import type { Hints } from './kinds/registry.js';
import { hintRungs, type CheckResult, type GradeReport, type HintRung } from './types.js';

/** The check a hint is for: the first failing one, else the first that could not be judged. */
export function hintTarget(report: GradeReport): CheckResult | undefined {
  return report.checks.find((check) => check.status === 'fail') ?? report.checks.find((check) => check.status === 'error');
}

/** The first `revealed` rungs of a check's ladder, in order. */
export function revealedRungs(hints: Hints, revealed: number): { rung: HintRung; text: string }[] {
  return hintRungs.slice(0, revealed).map((rung) => ({ rung, text: hints[rung] }));
}
