import type { Scenario } from '../catalogue/load.js';
import type { ClusterView } from './cluster-view.js';

/** What a check function may use: the run's cluster view and the scenario it grades. */
export interface GradingContext {
  view: ClusterView;
  scenario: Scenario;
}
