import type { GradeReport } from './types.js';

/** When every judged check failed to run for one reason (API server down), that reason is the whole story. */
export function sharedError(report: GradeReport): string | undefined {
  const judged = report.checks.filter((check) => check.status !== 'skipped');
  const messages = new Set(judged.map((check) => (check.status === 'error' ? check.message : undefined)));
  const [only] = messages;
  return messages.size === 1 && only !== undefined && judged.length > 1 ? only : undefined;
}

/** One line saying why a run could not judge the scenario, or undefined when it could. */
export function gradeErrorLine(report: GradeReport): string | undefined {
  if (report.status !== 'error') return undefined;
  const shared = sharedError(report);
  if (shared) return `${report.scenario}: ERROR: ${shared}`;
  const first = report.checks.find((check) => check.status === 'error');
  if (first) return `${report.scenario}: ERROR: "${first.title}" could not be judged: ${first.message}`;
  return `${report.scenario}: ERROR: every check was skipped, so nothing was judged (${report.checks[0]?.message ?? 'no checks'})`;
}
