import { randomBytes } from 'node:crypto';
import { flagPlaceholder } from '../catalogue/flag-syntax.js';
import type { KubeClient } from '../kube/client.js';
import { applyImdsFlags } from './imds-flags.js';
import type { KubeObject } from '../model/k8s.js';
import { managedByLabel, managedByValue, scenarioLabel, systemNamespace } from '../names.js';

/**
 * Attack flags: each `start` of a scenario plants a random value per flag
 * wherever its setup manifests write `${K8SLAB_FLAG:<id>}` (a Secret the
 * proxy exposes, a Redis seed, a node file), so only the attack reaches it.
 * The values live in one lab-owned Secret in the lab's own namespace, out of
 * the scenario's way, so a second `start` keeps them and `reset` makes new ones.
 */
const secretRef = { apiVersion: 'v1', kind: 'Secret' } as const;

export function flagSecretName(scenarioId: string): string {
  return `flags-${scenarioId}`;
}

/** A fresh, obviously fake flag value. */
export function newFlagValue(): string {
  return `K8SLAB{${randomBytes(12).toString('hex')}}`;
}

/** The values of this run: the ones already planted (the scenario is running), else new ones. */
export async function flagValues(client: KubeClient, scenario: { id: string; flags: readonly { id: string }[] }): Promise<Map<string, string>> {
  const planted = await plantedFlagValues(client, scenario);
  return new Map(scenario.flags.map(({ id }) => [id, planted.get(id) ?? newFlagValue()]));
}

/** The values `start` planted for this scenario's flags (none before a start, or after a reset forgot them). */
export async function plantedFlagValues(client: KubeClient, scenario: { id: string; flags: readonly { id: string }[] }): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  if (scenario.flags.length === 0) return values;
  const secret = await client.get<KubeObject & { data?: Record<string, string> }>(secretRef, flagSecretName(scenario.id), systemNamespace);
  for (const { id } of scenario.flags) {
    const planted = secret?.data?.[id];
    if (planted) values.set(id, Buffer.from(planted, 'base64').toString('utf8'));
  }
  return values;
}

/** The lab-owned Secret that keeps this run's values (so a second start plants the same ones). */
export function flagSecret(scenarioId: string, values: ReadonlyMap<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: flagSecretName(scenarioId), namespace: systemNamespace, labels: { [managedByLabel]: managedByValue, [scenarioLabel]: scenarioId } },
    type: 'Opaque',
    stringData: Object.fromEntries(values),
  };
}

/** Every string in `object` with its placeholders replaced by the run's values; an unknown flag id is an authoring error. */
export function plantFlags<T>(object: T, values: ReadonlyMap<string, string>): T {
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(flagPlaceholder, (placeholder, id: string) => {
        const planted = values.get(id);
        if (planted === undefined) throw new Error(`${placeholder} names no flag of this scenario`);
        return planted;
      });
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, visit(child)]));
    return value;
  };
  return visit(object) as T;
}

/** Forgets this run's values: the Secret that keeps them and the copies planted outside manifests (reset plants new ones). */
export async function forgetFlags(client: KubeClient, scenario: { id: string; flags: readonly { id: string; plantedBy: string }[] }): Promise<boolean> {
  await applyImdsFlags(client, scenario, new Map());
  return client.delete(secretRef, flagSecretName(scenario.id), systemNamespace);
}
