import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../model/k8s.js';
import { fieldManager, managedByLabel, managedByValue, systemNamespace } from '../names.js';

/**
 * IMDS flags (plantedBy: imds): the emulator of the imds add-on ends the node
 * role's session Token with every value of this ConfigMap, which it reads
 * through the API on each credentials request (labs/addons/imds/server.py).
 * Each scenario owns its own keys, `<scenario>.<flag>`, applied under a field
 * manager of its own, so several scenarios' flags live side by side and a
 * reset of one replaces only its own.
 */
export const imdsFlagsConfigMap = 'imds-flags';

export function imdsFlagKey(scenarioId: string, flagId: string): string {
  return `${scenarioId}.${flagId}`;
}

function managerOf(scenarioId: string): string {
  return `${fieldManager}-flags-${scenarioId}`;
}

/** This scenario's share of the ConfigMap: its IMDS flags' values (none, to take them away). */
export function imdsFlagsShare(scenario: { id: string; flags: readonly { id: string; plantedBy: string }[] }, values: ReadonlyMap<string, string>): KubeObject {
  const data: Record<string, string> = {};
  for (const flag of scenario.flags) {
    const value = values.get(flag.id);
    if (flag.plantedBy === 'imds' && value !== undefined) data[imdsFlagKey(scenario.id, flag.id)] = value;
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: imdsFlagsConfigMap, namespace: systemNamespace, labels: { [managedByLabel]: managedByValue } },
    data,
  };
}

/** Plants (or, with no values, removes) the scenario's IMDS flags; a scenario without any writes nothing. */
export async function applyImdsFlags(client: KubeClient, scenario: { id: string; flags: readonly { id: string; plantedBy: string }[] }, values: ReadonlyMap<string, string>): Promise<void> {
  if (!scenario.flags.some((flag) => flag.plantedBy === 'imds')) return;
  await client.apply(imdsFlagsShare(scenario, values), { fieldManager: managerOf(scenario.id) });
}
