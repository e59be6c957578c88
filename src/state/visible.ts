import type { Catalogue, Scenario, Track } from '../catalogue/load.js';

/** The scenarios the home list shows, in curriculum order, narrowed by the filter. */
export function visibleScenarios(state: { catalogue: Catalogue | null; filter: string }): Scenario[] {
  return visibleTracks(state).flatMap((track) => track.scenarios);
}

/** Tracks with only their matching scenarios; tracks left empty are dropped. */
export function visibleTracks(state: { catalogue: Catalogue | null; filter: string }): Track[] {
  const needle = state.filter.trim().toLowerCase();
  const matches = (scenario: Scenario) =>
    !needle || [scenario.id, scenario.title, scenario.difficulty, ...scenario.tags].some((text) => text.toLowerCase().includes(needle));
  return (state.catalogue?.tracks ?? [])
    .map((track) => ({ ...track, scenarios: track.scenarios.filter(matches) }))
    .filter((track) => track.scenarios.length > 0);
}
