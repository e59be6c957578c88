import type { ScenarioFile } from './schema.js';

/** A validated scenario with its folder and texts. */
export interface Scenario extends ScenarioFile {
  dir: string;
  briefing: string;
  debrief: string;
}

export interface Track {
  id: string;
  title: string;
  description?: string;
  scenarios: Scenario[];
}

export interface Catalogue {
  root: string;
  tracks: Track[];
  /** Every scenario once, in curriculum order (track by track). */
  scenarios: Scenario[];
}
