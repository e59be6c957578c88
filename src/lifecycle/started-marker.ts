import { managedByLabel, managedByValue, scenarioLabel, startedMarkerPrefix, systemNamespace } from '../names.js';
import type { KubeObject } from '../model/k8s.js';

/** The marker that says a scenario was started on this cluster (see startedMarkerPrefix); reset rewrites it. */
export function startedMarker(scenario: { id: string; namespaces: string[] }, now: Date = new Date()): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${startedMarkerPrefix}${scenario.id}`,
      namespace: systemNamespace,
      labels: { [managedByLabel]: managedByValue, [scenarioLabel]: scenario.id },
    },
    data: { scenario: scenario.id, namespaces: scenario.namespaces.join(','), startedAt: now.toISOString() },
  };
}
