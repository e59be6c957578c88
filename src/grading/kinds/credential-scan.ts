import { z } from 'zod';
import { credentialIn, flagValues } from '../../engines/credentials/scan.js';
import { containersOf } from '../../engines/workloads/index.js';
import type { KubeObject } from '../../model/k8s.js';
import { kinds } from '../cluster-view.js';
import { dnsLabel } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { fail, pass } from '../types.js';
import { target } from '../watch.js';
import { podRunningTargets, podSpecsIn } from '../workloads.js';
import { defineKind } from './kind.js';

const sourceNames = ['configMaps', 'env', 'argv'] as const;

const fields = {
  /** Every ConfigMap, and every container of every pod and pod template, in these namespaces. */
  namespaces: z.array(dnsLabel).min(1),
  /**
   * Where values are read: `configMaps` (every key of data and binaryData),
   * `env` (every literal env `value` of every container: init, sidecar,
   * ephemeral included), `argv` (command and args: `--password=...` flags and
   * credential shapes in any word, `sh -c` scripts included).
   */
  sources: z.array(z.enum(sourceNames)).min(1).default([...sourceNames]),
};

type ConfigMapObject = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

/** At most this many findings are spelled out; the rest are counted. */
const shownFindings = 4;

/**
 * No credential sits in plain configuration: ConfigMaps, literal env values
 * and command lines are readable by everyone who may read the namespace's
 * ConfigMaps or workloads (the built-in `view` role), and land in logs,
 * `kubectl describe` and CI diffs. Judged by name and by shape (see
 * src/engines/credentials/scan.ts); messages never print the value.
 */
export const credentialScan = defineKind({
  fields,
  async run(spec, { view, scenario }) {
    for (const namespace of spec.namespaces) {
      const missing = await missingNamespace(view, scenario, namespace);
      if (missing) return missing;
    }
    const findings: string[] = [];
    let places = 0;
    for (const namespace of spec.namespaces) {
      if (spec.sources.includes('configMaps')) {
        for (const configMap of await view.list<ConfigMapObject>(kinds.configMap, namespace)) {
          const name = `ConfigMap ${namespace}/${configMap.metadata?.name ?? '?'}`;
          const entries: [string, string][] = [
            ...Object.entries(configMap.data ?? {}),
            ...Object.entries(configMap.binaryData ?? {}).map(([key, value]): [string, string] => [key, Buffer.from(value, 'base64').toString('utf8')]),
          ];
          for (const [key, value] of entries) {
            places++;
            const reason = credentialIn(key, value);
            if (reason) findings.push(`${name} key ${key}: ${reason}`);
          }
        }
      }
      if (!spec.sources.includes('env') && !spec.sources.includes('argv')) continue;
      for (const source of await podSpecsIn(view, namespace)) {
        for (const container of containersOf(source.metadata, source.spec, source.paths)) {
          const where = `${source.label}, ${container.label}`;
          if (spec.sources.includes('env')) {
            for (const entry of envLiterals(container.view.env)) {
              places++;
              const reason = credentialIn(entry.name, entry.value);
              if (reason) findings.push(`${where}, env ${entry.name}: ${reason}`);
            }
          }
          if (spec.sources.includes('argv')) {
            const argv = container.view.argv as string[];
            places++;
            const flagged = flagValues(argv)
              .map(({ flag, value }) => [flag, credentialIn(flag, value)] as const)
              .find(([, reason]) => reason);
            const shaped = flagged ? undefined : argv.map((word) => credentialIn(undefined, word)).find(Boolean);
            if (flagged) findings.push(`${where}, flag --${flagged[0]} on its command line: ${flagged[1]}`);
            else if (shaped) findings.push(`${where}, its command line: ${shaped}`);
          }
        }
      }
    }
    const where = spec.namespaces.join(' and ');
    if (findings.length > 0) {
      const shown = findings.slice(0, shownFindings).join('; ');
      const more = findings.length > shownFindings ? ` (and ${findings.length - shownFindings} more)` : '';
      return fail(`${findings.length} credential${findings.length === 1 ? '' : 's'} in plain configuration in ${where}: ${shown}${more}`, {
        object: where,
        observed: findings.join('; '),
        expected: 'credentials only in Secrets (mounted as files or referenced with secretKeyRef)',
      });
    }
    return pass(`no credential among the ${places} ConfigMap keys, literal env values and command lines in ${where} (judged by name and by shape: URL passwords, private keys, AWS key IDs, tokens, random-looking values)`);
  },
  watch: (spec) => spec.namespaces.flatMap((namespace) => [target(kinds.configMap, namespace), ...podRunningTargets(namespace)]),
});

/** The env entries with a literal `value` (valueFrom and envFrom point elsewhere and are judged where they point). */
function envLiterals(env: unknown): { name: string; value: string }[] {
  if (!Array.isArray(env)) return [];
  return env.flatMap((entry: unknown) => {
    const { name, value } = (entry ?? {}) as { name?: unknown; value?: unknown };
    return typeof name === 'string' && typeof value === 'string' ? [{ name, value }] : [];
  });
}
