import type { Scenario } from '../../src/catalogue/load.js';
import { gradeScenario } from '../../src/grading/grade.js';
import type { CheckResult, GradeReport } from '../../src/grading/types.js';
import type { KubeClient } from '../../src/kube/client.js';
import { solveScenario, startScenario } from '../../src/lifecycle/scenario.js';

/** What the lint found for one scenario on a live cluster. */
export interface Verification {
  scenario: string;
  afterStart: GradeReport;
  afterSolve?: GradeReport;
  problems: string[];
}

/**
 * The rustlings rule on a real API server: after `start` every fix check
 * fails (nothing is solved by accident) and every guard passes (the app
 * works); after `solve` every check passes. Skipped checks (runtime probes
 * on a cluster without a runtime) are allowed in both states.
 */
export async function verifyScenario(scenario: Scenario, client: KubeClient, log: (line: string) => void): Promise<Verification> {
  await startScenario(scenario, client, log);
  const afterStart = await gradeScenario(scenario, client);
  const problems = afterStart.checks.flatMap((check) => startProblems(check));
  const judged = afterStart.checks.every((check) => check.status !== 'error');
  if (judged && !afterStart.checks.some((check) => check.role === 'fix' && check.status === 'fail')) {
    problems.push('after start no fix check fails: the scenario starts solved');
  }

  await solveScenario(scenario, client, log);
  const afterSolve = await gradeScenario(scenario, client);
  for (const check of afterSolve.checks) {
    if (check.status !== 'pass' && check.status !== 'skipped') problems.push(`after solve ${check.id} is ${check.status}: ${check.message}`);
  }
  return { scenario: scenario.id, afterStart, afterSolve, problems };
}

function startProblems(check: CheckResult): string[] {
  if (check.status === 'skipped') return [];
  if (check.status === 'error') return [`after start ${check.id} could not be judged: ${check.message}`];
  if (check.role === 'fix' && check.status !== 'fail') return [`after start the fix check ${check.id} is ${check.status}, expected fail`];
  if (check.role === 'guard' && check.status !== 'pass') return [`after start the guard ${check.id} is ${check.status}, expected pass: ${check.message}`];
  return [];
}
