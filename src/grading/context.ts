import type { ClusterView } from './cluster-view.js';

/** What grading needs to know of a scenario (a loaded catalogue Scenario is one). */
export interface ScenarioContext {
  id: string;
  /** The scenario's folder: manifests that checks replay are read from here. */
  dir: string;
  namespaces: string[];
}

/** What a check function may use: the run's cluster view and the scenario it grades. */
export interface GradingContext {
  view: ClusterView;
  scenario: ScenarioContext;
}
