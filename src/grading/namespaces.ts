import type { ScenarioContext } from './context.js';
import type { ClusterView } from './cluster-view.js';
import { error, type Verdict } from './types.js';

/**
 * Listing in a namespace that does not exist returns an empty list, not an
 * error, so every check confirms its namespace first: a scenario that was
 * never started must read as "error: start it", never as a pass or a fail.
 */
export async function missingNamespace(view: ClusterView, scenario: ScenarioContext, namespace: string): Promise<Verdict | undefined> {
  if (await view.namespaceExists(namespace)) return undefined;
  return error(`namespace "${namespace}" does not exist; start the scenario first: k8s-sec-lab start ${scenario.id}`);
}
