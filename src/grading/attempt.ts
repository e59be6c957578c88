import type { Scenario } from '../catalogue/load.js';
import type { KubeClient } from '../kube/client.js';
import { recordCheck } from '../progress/record.js';
import { scenarioProgress, type ProgressStore } from '../progress/store.js';
import { gradeScenario } from './grade.js';
import type { GradeReport } from './types.js';

/** One graded attempt, as `check`, `hint` and the TUI make it: with the learner's revealed hints, then recorded. */
export async function gradeAttempt(store: ProgressStore, scenario: Scenario, client: KubeClient): Promise<GradeReport> {
  const report = await gradeScenario(scenario, client, scenarioProgress(await store.load(), scenario.id).hintsRevealed);
  await recordCheck(store, report);
  return report;
}
