import { randomBytes } from 'node:crypto';
import { managedByLabel, managedByValue, runSecretName, runTokenKey, scenarioLabel } from '../names.js';
import type { KubeObject } from '../model/k8s.js';

/** The run Secret with a fresh token (see runSecretName); scenario apps serve the token, local probes look for it. */
export function runSecret(scenario: { id: string; namespaces: string[] }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: runSecretName,
      namespace: scenario.namespaces[0],
      labels: { [managedByLabel]: managedByValue, [scenarioLabel]: scenario.id },
    },
    type: 'Opaque',
    stringData: { [runTokenKey]: randomBytes(16).toString('hex') },
  };
}
