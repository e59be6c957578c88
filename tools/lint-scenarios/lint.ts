import { lintScenarioStatically } from './static-rules.js';
import { singleObjectWarnings } from '../../src/catalogue/single-object-checks.js';
import { validateCatalogue } from '../../src/catalogue/validate.js';
import { markCluster } from '../../src/cluster/guard.js';
import { messageOf } from '../../src/errors.js';
import type { KubeClient } from '../../src/kube/client.js';
import { verifyScenario, type VerifyOptions } from './verify.js';

export interface LintReport {
  /** `problems` fail the lint; `warnings` are worth a look and do not. */
  scenarios: { id: string; problems: string[]; warnings: string[]; afterStart?: string; afterSolve?: string; replayedSteps?: number }[];
  ok: boolean;
}

/**
 * Lints a catalogue: the schema (by loading it), the static rules, then each
 * scenario's start and solve on the given cluster, which this marks as a lab
 * cluster (pass the test control plane, never a cluster you care about).
 */
export async function lintCatalogue(root: string, client: KubeClient, log: (line: string) => void, options: VerifyOptions = {}): Promise<LintReport> {
  const catalogue = await validateCatalogue(root);
  await markCluster(client, 'adopt');
  const scenarios: LintReport['scenarios'] = [];
  for (const scenario of catalogue.scenarios) {
    const problems = await lintScenarioStatically(scenario);
    const entry: LintReport['scenarios'][number] = { id: scenario.id, problems, warnings: singleObjectWarnings(scenario.checks) };
    try {
      const verification = await verifyScenario(scenario, client, (line) => log(`${scenario.id}: ${line}`), options);
      entry.replayedSteps = verification.replayedSteps;
      problems.push(...verification.problems);
      entry.afterStart = summary(verification.afterStart.checks);
      if (verification.afterSolve) entry.afterSolve = summary(verification.afterSolve.checks);
    } catch (error) {
      problems.push(`start/solve failed: ${messageOf(error)}`);
    }
    scenarios.push(entry);
  }
  return { scenarios, ok: scenarios.every((scenario) => scenario.problems.length === 0) };
}

function summary(checks: readonly { id: string; status: string }[]): string {
  return checks.map((check) => `${check.id}=${check.status}`).join(' ');
}
