import { randomBytes } from 'node:crypto';
import type { Scenario } from '../catalogue/load.js';
import { managedByLabel, managedByValue, scenarioLabel } from '../cluster/names.js';
import type { KubeObject } from '../model/k8s.js';

/**
 * Each `start` stores a fresh random token in this Secret in the scenario's
 * first namespace. Scenario apps can serve it (mounted or from env) and a
 * local probe proves the learner reached THIS run's app, not a stale one.
 */
export const runSecretName = 'k8s-sec-lab-run';
export const runTokenKey = 'token';

export function runSecret(scenario: Scenario): KubeObject {
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

export function decodeRunToken(secret: { data?: Record<string, string> } | undefined): string | undefined {
  const encoded = secret?.data?.[runTokenKey];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}
