import type { ScenarioContext } from './context.js';
import type { ClusterView } from './cluster-view.js';
import { error, fail, type Verdict } from './types.js';

/**
 * Listing in a namespace that does not exist returns an empty list, not an
 * error, so every check confirms its namespace first. A namespace the
 * scenario creates that is gone while the scenario is started (its started
 * marker, written by `start`, says so) is a cheat and fails: deleting the
 * namespace deletes the app with the hole. Only a scenario never started
 * on this cluster, or a namespace the scenario does not create, reads as
 * "error: start it".
 */
export async function missingNamespace(view: ClusterView, scenario: ScenarioContext, namespace: string): Promise<Verdict | undefined> {
  if (await view.namespaceExists(namespace)) return undefined;
  if (scenario.namespaces.includes(namespace) && (await view.startedAt(scenario.id))) {
    return fail(
      `namespace "${namespace}" is gone, but the scenario is started: deleting namespace ${namespace} is not a fix, it removes the app along with the hole (k8s-sec-lab reset ${scenario.id} brings it back)`,
      { object: `Namespace ${namespace}`, observed: 'deleted', expected: 'exists, with its workloads, fixed' },
    );
  }
  return error(`namespace "${namespace}" does not exist; start the scenario first: k8s-sec-lab start ${scenario.id}`);
}
