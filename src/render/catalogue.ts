import type { ChalkInstance } from 'chalk';
import type { Catalogue, Scenario } from '../catalogue/load.js';
import { progressState, type ProgressState } from '../progress/record.js';
import type { Progress } from '../progress/store.js';
import { progressLegend, progressMarks } from './marks.js';

export function stateMark(state: ProgressState, color: ChalkInstance): string {
  const { mark, color: name } = progressMarks[state];
  return state === 'new' ? mark : color[name](mark);
}

/** The catalogue as `list --json` prints it: tracks in curriculum order, each scenario with its progress. */
export function catalogueJson(catalogue: Catalogue, progress: Progress) {
  return {
    tracks: catalogue.tracks.map((track) => ({ id: track.id, title: track.title, scenarios: track.scenarios.map((s) => s.id) })),
    scenarios: catalogue.tracks.flatMap((track) =>
      track.scenarios.map((scenario) => ({
        ...scenarioFacts(scenario),
        track: track.id,
        progress: progressState(progress.scenarios[scenario.id]),
      })),
    ),
  };
}

/** `list` as text: one block per track, one line per scenario. */
export function catalogueText(catalogue: Catalogue, progress: Progress, color: ChalkInstance): string {
  const width = Math.max(...catalogue.scenarios.map((scenario) => scenario.id.length));
  const lines: string[] = [];
  for (const track of catalogue.tracks) {
    lines.push(color.bold(track.title));
    for (const scenario of track.scenarios) {
      const state = progressState(progress.scenarios[scenario.id]);
      lines.push(`  ${stateMark(state, color)} ${scenario.id.padEnd(width)}  ${scenario.title}  ${color.dim(`${scenario.difficulty}, ${scenario.minutes} min`)}`);
    }
    lines.push('');
  }
  lines.push(color.dim(progressLegend));
  return lines.join('\n');
}

/** `show` as JSON: everything a front end needs to present the scenario. */
export function scenarioJson(scenario: Scenario) {
  return {
    ...scenarioFacts(scenario),
    namespaces: scenario.namespaces,
    objectives: scenario.objectives,
    briefing: scenario.briefing,
    checks: scenario.checks.map((check) => ({ id: check.id, title: check.title, kind: check.kind })),
    flags: scenario.flags.map(({ id, title, where }) => ({ id, title, where })),
    references: scenario.references,
  };
}

/** What every listing says about a scenario. */
function scenarioFacts({ id, title, summary, difficulty, minutes, tags }: Scenario) {
  return { id, title, summary, difficulty, minutes, tags };
}
