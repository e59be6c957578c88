import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario } from '../../src/catalogue/load.js';
import { gradeScenario } from '../../src/grading/grade.js';
import type { CheckResult, GradeReport } from '../../src/grading/types.js';
import type { KubeClient } from '../../src/kube/client.js';
import { replayAttack } from '../../src/lifecycle/replay.js';
import { solveScenario, startScenario } from '../../src/lifecycle/scenario.js';
import { noImageMap } from '../../src/manifests/image-map.js';

/** What the lint found for one scenario on a live cluster. */
export interface Verification {
  scenario: string;
  afterStart: GradeReport;
  afterSolve?: GradeReport;
  /** How many of the attack's `api` steps ran after start (each passed unless a problem says otherwise). */
  replayedSteps: number;
  problems: string[];
}

export interface VerifyOptions {
  /** The environment of the replayed attack commands (PATH must find kubectl). */
  replayEnv?: NodeJS.ProcessEnv;
}

/**
 * The rustlings rule on a real API server: after `start` every fix check
 * fails (nothing is solved by accident) and every guard passes (the app
 * works); after `solve` every check passes. Skipped checks (runtime probes
 * on a cluster without a runtime) are allowed in both states. Between the two,
 * the attack's `api` steps are replayed: each does what the briefing says and
 * reveals its flag (the `runtime` steps need kind: the e2e lane replays them).
 */
export async function verifyScenario(scenario: Scenario, client: KubeClient, log: (line: string) => void, options: VerifyOptions = {}): Promise<Verification> {
  await startScenario(scenario, client, log, noImageMap);
  const afterStart = await gradeScenario(scenario, client);
  const problems = afterStart.checks.flatMap((check) => startProblems(check));
  const judged = afterStart.checks.every((check) => check.status !== 'error');
  if (judged && !afterStart.checks.some((check) => check.role === 'fix' && check.status === 'fail')) {
    problems.push('after start no fix check fails: the scenario starts solved');
  }
  const replay = await replayAttack({ client }, scenario, { needs: ['api'], ...(options.replayEnv ? { env: options.replayEnv } : {}) });
  for (const step of replay.steps) {
    for (const problem of step.problems) problems.push(`attack.replay[${step.index}] after start: ${problem}${step.stderr.trim() ? ` (stderr: ${step.stderr.trim().split('\n')[0]})` : ''}`);
  }

  await solveScenario(scenario, client, log, noImageMap);
  const afterSolve = await gradeSettled(scenario, client, log);
  for (const check of afterSolve.checks) {
    if (check.status !== 'pass' && check.status !== 'skipped') problems.push(`after solve ${check.id} is ${check.status}: ${check.message}`);
  }
  return { scenario: scenario.id, afterStart, afterSolve, replayedSteps: replay.steps.length, problems };
}

/**
 * The API server loads admission policies and webhook configurations about a
 * second after they are written, so a solution that adds one is graded again
 * until every check passes or the settle time is over; a real failure stays.
 */
async function gradeSettled(scenario: Scenario, client: KubeClient, log: (line: string) => void, settleMs = 5_000): Promise<GradeReport> {
  const deadline = Date.now() + settleMs;
  let report = await gradeScenario(scenario, client);
  while (report.checks.some((check) => check.status === 'fail') && Date.now() < deadline) {
    log('waiting for the solution to take effect');
    await sleep(250);
    report = await gradeScenario(scenario, client);
  }
  return report;
}

function startProblems(check: CheckResult): string[] {
  if (check.status === 'skipped') return [];
  if (check.status === 'error') return [`after start ${check.id} could not be judged: ${check.message}`];
  if (check.role === 'fix' && check.status !== 'fail') return [`after start the fix check ${check.id} is ${check.status}, expected fail`];
  if (check.role === 'guard' && check.status !== 'pass') return [`after start the guard ${check.id} is ${check.status}, expected pass: ${check.message}`];
  return [];
}
