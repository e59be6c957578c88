import { performance } from 'node:perf_hooks';
import type { KubeClient } from '../kube/client.js';
import { ClusterView } from './cluster-view.js';
import type { ScenarioContext } from './context.js';
import { runCheck, type CheckSpec } from './kinds/registry.js';
import { hintRungs, type CheckResult, type GradeReport, type OverallStatus } from './types.js';

/**
 * Grades a scenario against the live cluster: all checks concurrently over
 * one shared read-only view (so each LIST is sent once), then one status:
 * error if anything could not be judged, else fail if anything failed.
 */
export async function gradeScenario(
  scenario: ScenarioContext & { checks: readonly CheckSpec[] },
  client: KubeClient,
  hintsRevealed: Record<string, number> = {},
): Promise<GradeReport> {
  const started = performance.now();
  const requestsBefore = client.requestCount;
  const view = new ClusterView(client);
  const verdicts = await Promise.all(scenario.checks.map((check) => runCheck(check, { view, scenario })));
  const checks: CheckResult[] = scenario.checks.map((check, index) => {
    const verdict = verdicts[index]!;
    const revealed = hintsRevealed[check.id] ?? 0;
    const nextHint = verdict.status !== 'pass' && revealed < hintRungs.length ? hintRungs[revealed] : undefined;
    return { id: check.id, title: check.title, kind: check.kind, role: check.role, ...verdict, ...(nextHint ? { nextHint } : {}) };
  });
  return {
    scenario: scenario.id,
    status: overallStatus(checks),
    checks,
    requests: client.requestCount - requestsBefore,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Skipped checks neither pass nor fail a run, but a run where nothing could be judged is an error. */
export function overallStatus(checks: readonly Pick<CheckResult, 'status'>[]): OverallStatus {
  if (checks.some((check) => check.status === 'error')) return 'error';
  if (checks.every((check) => check.status === 'skipped')) return 'error';
  if (checks.some((check) => check.status === 'fail')) return 'fail';
  return 'pass';
}
