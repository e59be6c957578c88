import wrapAnsi from 'wrap-ansi';
import type { ChalkInstance } from 'chalk';
import { sharedError } from '../grading/report.js';
import type { CheckResult, CheckStatus, GradeReport } from '../grading/types.js';

const marks: Record<CheckStatus, string> = { pass: '✓', fail: '✗', error: '!', skipped: '-' };

export function checkMark(status: CheckStatus, color: ChalkInstance): string {
  const mark = marks[status];
  if (status === 'pass') return color.green(mark);
  if (status === 'fail') return color.red(mark);
  if (status === 'error') return color.magenta(mark);
  return color.dim(mark);
}

/** `check` as JSON: the documented shape, plus the cost of the run and the next hint rung per check. */
export function gradeJson(report: GradeReport) {
  return {
    scenario: report.scenario,
    status: report.status,
    checks: report.checks.map(({ id, title, role, status, message, evidence, nextHint }) => ({
      id,
      title,
      role,
      status,
      message,
      evidence: evidence ?? null,
      ...(nextHint ? { nextHint } : {}),
    })),
    requests: report.requests,
    durationMs: report.durationMs,
  };
}

/** `check` as text: a verdict line, then one line per check and, under each that is not passing, why. */
export function gradeText(report: GradeReport, color: ChalkInstance): string {
  const counts = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  const verdict =
    report.status === 'pass' ? color.green.bold('PASS') : report.status === 'fail' ? color.red.bold('FAIL') : color.magenta.bold('ERROR');
  const summary = [`${counts('pass')} passed`, counts('fail') ? `${counts('fail')} failed` : '', counts('error') ? `${counts('error')} could not be judged` : '', counts('skipped') ? `${counts('skipped')} skipped` : '']
    .filter(Boolean)
    .join(', ');
  const shared = sharedError(report);
  if (shared) return `${report.scenario}: ${verdict}: ${shared}`;
  const lines = [`${report.scenario}: ${verdict} (${summary})`];
  for (const check of report.checks) lines.push(...checkLines(check, color));
  const firstHint = report.checks.find((check) => check.nextHint);
  if (report.status !== 'pass' && firstHint) lines.push('', color.dim(`stuck? k8s-sec-lab hint ${report.scenario} reveals a ${firstHint.nextHint} for "${firstHint.title}"`));
  return lines.join('\n');
}

function checkLines(check: CheckResult, color: ChalkInstance): string[] {
  const head = `  ${checkMark(check.status, color)} ${check.title}`;
  if (check.status === 'pass') return [head];
  const detail = check.status === 'skipped' ? `skipped: ${check.message}` : check.message;
  return [head, ...wrapIndented(detail, 6).map((line) => (check.status === 'skipped' ? color.dim(line) : line))];
}

function wrapIndented(text: string, indent: number, width = 100): string[] {
  return wrapAnsi(text, width - indent, { hard: true }).split('\n').map((line) => ' '.repeat(indent) + line);
}
