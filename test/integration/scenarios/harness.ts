import { beforeAll, expect } from 'vitest';
import { defaultCatalogueRoot, findScenario, loadCatalogue, type Scenario } from '../../../src/catalogue/load.js';
import { freshLabEnv } from '../../helpers/lab-home.js';
import { markCluster } from '../../../src/cluster/guard.js';
import { gradeScenario } from '../../../src/grading/grade.js';
import type { CheckStatus, GradeReport } from '../../../src/grading/types.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { resetScenario, solveScenario, startScenario } from '../../../src/lifecycle/scenario.js';
import { clientFor } from '../setup/lab.js';
import { kubectl, requirePlane } from '../setup/plane.js';
import { noImageMap } from '../../../src/manifests/image-map.js';

/**
 * Drives one scenario of the real catalogue on the shared test plane: start,
 * reset, solve, grade, and kubectl as the learner would use it. Scenario
 * files run in parallel with each other (each scenario owns its namespaces)
 * and sequentially inside a file.
 */
export interface ScenarioHarness {
  scenario: Scenario;
  client: KubeClient;
  /** Start and reset resolve to the run's planted flag values, by flag id. */
  start(): Promise<Map<string, string>>;
  reset(): Promise<Map<string, string>>;
  solve(): Promise<void>;
  grade(): Promise<GradeReport>;
  /** kubectl as the admin learner, failing the test on a non-zero exit unless `reject: false`. */
  kubectl: typeof kubectl;
  /** `kubectl apply -f -` of a YAML or JSON text. */
  apply(manifest: string): Promise<void>;
}

export function useScenario(id: string): ScenarioHarness {
  const quiet = () => {};
  const harness = {} as ScenarioHarness;
  beforeAll(async () => {
    const scenario = findScenario(await loadCatalogue(defaultCatalogueRoot({}), freshLabEnv()), id);
    const client = await clientFor(requirePlane().kubeconfig);
    await markCluster(client, 'adopt');
    Object.assign(harness, {
      scenario,
      client,
      start: () => startScenario(scenario, client, quiet, noImageMap),
      reset: () => resetScenario(scenario, client, quiet, noImageMap),
      solve: () => solveScenario(scenario, client, quiet, noImageMap),
      grade: () => gradeScenario(scenario, client),
      kubectl,
      apply: async (manifest: string) => {
        await kubectl(['apply', '-f', '-'], { input: manifest });
      },
    } satisfies ScenarioHarness);
    return () => client.close();
  });
  return harness;
}

/** Asserts each named check's status; the message says which check differs and why. */
export function expectStatuses(report: GradeReport, expected: Record<string, CheckStatus>): void {
  const actual = Object.fromEntries(report.checks.filter((check) => check.id in expected).map((check) => [check.id, check.status]));
  const details = report.checks.map((check) => `${check.id}=${check.status}: ${check.message}`).join('\n');
  expect(actual, details).toEqual(expected);
}

/** The message of one check, for asserting that a wrong fix is told what is missing. */
export function messageOf(report: GradeReport, checkId: string): string {
  const check = report.checks.find((candidate) => candidate.id === checkId);
  if (!check) throw new Error(`no check ${checkId} in ${report.scenario}`);
  return check.message;
}

/**
 * Grades until the named checks have the expected statuses, then asserts them.
 * The API server loads admission policies, quotas and their bindings about a
 * second after they are written, so a grade right after a change can still
 * see the old rules.
 */
export async function expectSettled(lab: ScenarioHarness, expected: Record<string, CheckStatus>, timeoutMs = 10_000): Promise<GradeReport> {
  const deadline = Date.now() + timeoutMs;
  let report = await lab.grade();
  const matches = () => report.checks.every((check) => !(check.id in expected) || check.status === expected[check.id]);
  while (!matches() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    report = await lab.grade();
  }
  expectStatuses(report, expected);
  return report;
}
