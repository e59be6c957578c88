import { flagRecord, matchesFlag, type FlagRecord } from './flags.js';
import type { ProgressStore, ScenarioProgress } from './store.js';

/** Domain events of a learner's progress, each one atomic update of the store. */

const now = () => new Date().toISOString();

/** A start or reset; `flags` are the run's planted values, kept as salted hashes (a captured flag whose value was kept stays captured). */
export function recordStart(store: ProgressStore, id: string, flags: ReadonlyMap<string, string> = new Map()): Promise<ScenarioProgress> {
  return store.updateScenario(id, (scenario) => {
    scenario.startedAt = now();
    const records: Record<string, FlagRecord> = {};
    for (const [flagId, value] of flags) {
      const known = scenario.flags?.[flagId];
      records[flagId] = known && matchesFlag(known, value) ? known : flagRecord(value);
    }
    if (flags.size > 0) scenario.flags = records;
    else delete scenario.flags;
  });
}

/** A submitted flag: the id of the flag it matches (now captured), or undefined for a wrong one (counted). */
export async function recordSubmission(store: ProgressStore, id: string, value: string): Promise<string | undefined> {
  let matched: string | undefined;
  await store.updateScenario(id, (scenario) => {
    const hit = Object.entries(scenario.flags ?? {}).find(([, record]) => matchesFlag(record, value));
    if (!hit) {
      scenario.wrongFlags = (scenario.wrongFlags ?? 0) + 1;
      return;
    }
    matched = hit[0];
    hit[1].capturedAt ??= now();
  });
  return matched;
}

export function recordSolution(store: ProgressStore, id: string): Promise<ScenarioProgress> {
  return store.updateScenario(id, (scenario) => {
    scenario.solutionAppliedAt = now();
  });
}

/** A check the learner asked for. A pass completes the scenario only when the current attempt was not solved by `solve`. */
export function recordCheck(store: ProgressStore, id: string, status: 'pass' | 'fail' | 'error'): Promise<ScenarioProgress> {
  return store.updateScenario(id, (scenario) => {
    const at = now();
    scenario.attempts += 1;
    scenario.lastResult = { at, status };
    if (status === 'pass' && !solvedBySolution(scenario)) scenario.completedAt ??= at;
  });
}

/** Reveals the next rung for a check and returns how many rungs are now revealed (1-3). */
export async function recordHint(store: ProgressStore, id: string, checkId: string): Promise<number> {
  const scenario = await store.updateScenario(id, (progress) => {
    progress.hintsRevealed[checkId] = Math.min(3, (progress.hintsRevealed[checkId] ?? 0) + 1);
  });
  return scenario.hintsRevealed[checkId] ?? 1;
}

export function solvedBySolution(scenario: ScenarioProgress): boolean {
  // At or after: a solve in the same millisecond as its start still came after it.
  return scenario.solutionAppliedAt !== undefined && (scenario.startedAt === undefined || scenario.solutionAppliedAt >= scenario.startedAt);
}

/** One word for lists: done (own fix), solved (with the solution), started, or new. */
export type ProgressState = 'done' | 'solved' | 'started' | 'new';

export function progressState(scenario: ScenarioProgress | undefined): ProgressState {
  if (!scenario) return 'new';
  if (scenario.completedAt) return 'done';
  if (scenario.solutionAppliedAt) return 'solved';
  if (scenario.startedAt) return 'started';
  return 'new';
}
