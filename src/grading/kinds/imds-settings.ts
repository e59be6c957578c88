import { z } from 'zod';
import { configMapFiles, invalidSetting, parseImdsSettings, settingNames, type ImdsSettings, type ParsedSettings, type SettingName } from '../../engines/imds/settings.js';
import { objectRef, type KubeObject } from '../../model/k8s.js';
import { systemNamespace } from '../../names.js';
import { kinds, type ClusterView } from '../cluster-view.js';
import type { GradingContext } from '../context.js';
import { missingNamespace } from '../namespaces.js';
import { fail, pass, skipped, type Evidence, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

/** The lab's IMDS add-on (labs/addons/imds): its settings ConfigMap, its pods and their server container. */
const settingsConfigMap = 'imds-settings';
const emulatorLabel = 'app.kubernetes.io/name';
const emulatorApp = 'imds-emulator';
const serverContainer = 'server';
const effectiveSettingsUrl = 'http://169.254.169.254/k8s-sec-lab/effective-settings';

const fields = {
  /**
   * `configmap`: the ConfigMap parsed exactly as the emulator parses it (any cluster).
   * `emulator`: every node's emulator asked for the settings it applies (needs a container runtime).
   */
  source: z.enum(['configmap', 'emulator']).default('configmap'),
  expect: z
    .object({
      httpTokens: z.enum(['optional', 'required']).optional(),
      /** Tokens reach pods one hop beyond the node, so 1 keeps them on the node. */
      hopLimitAtMost: z.number().int().min(1).max(64).optional(),
      httpEndpoint: z.enum(['enabled', 'disabled']).optional(),
    })
    .strict(),
};
type ImdsSettingsSpec = KindSpec<typeof fields>;

/**
 * The metadata service's settings as the emulator applies them: the same
 * trimming and validation as server.py (a `required` written with
 * `kubectl create configmap --from-file` ends in a newline and is still
 * required), or the emulator's own answer. Settings it refuses make it
 * answer every request with 500, the node's included: that never passes.
 */
export const imdsSettings = defineKind({
  fields,
  refine(spec, ctx) {
    if (Object.keys(spec.expect).length === 0) ctx.addIssue({ code: 'custom', path: ['expect'], message: 'expects nothing: give httpTokens, hopLimitAtMost or httpEndpoint' });
  },
  run: (spec, ctx) => (spec.source === 'emulator' ? judgeEmulators(spec, ctx) : judgeConfigMap(spec, ctx)),
  watch: (spec) => [target(spec.source === 'emulator' ? watched.pod : { apiVersion: 'v1', kind: 'ConfigMap' }, systemNamespace)],
});

async function judgeConfigMap(spec: ImdsSettingsSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const missing = await missingNamespace(view, scenario, systemNamespace);
  if (missing) return missing;
  const configMaps = await view.list<KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> }>(kinds.configMap, systemNamespace);
  const configMap = configMaps.find((candidate) => candidate.metadata?.name === settingsConfigMap);
  const object = `ConfigMap ${systemNamespace}/${settingsConfigMap}`;
  if (!configMap) {
    return fail(`${object} is gone: the emulator keeps its last settings only until it restarts, then it cannot start; deleting the settings is not a fix (k8s-sec-lab reset ${scenario.id} restores them)`, {
      object,
      observed: 'missing',
      expected: describeExpected(spec),
    });
  }
  const files = configMapFiles(configMap);
  const parsed = parseImdsSettings(files);
  // Quote what was written only where it differs from what the emulator makes of it (a trailing newline, "01").
  const differs = !parsed.valid || settingNames.some((name) => files[name] !== String(parsed[name]));
  const written = settingNames.map((name) => `${name}=${typeof files[name] === 'string' ? JSON.stringify(files[name]) : files[name] === undefined ? '<missing>' : '<binaryData>'}`).join(', ');
  return judgeParsed(spec, parsed, { object, ...(differs ? { written } : {}) });
}

async function judgeEmulators(spec: ImdsSettingsSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const missing = await missingNamespace(view, scenario, systemNamespace);
  if (missing) return missing;
  const runtime = await view.runtime();
  if (!runtime.available) return skipped(runtime.reason ?? 'the cluster has no container runtime');
  const [nodes, pods] = await Promise.all([view.list(kinds.node), view.list<KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string } }>(kinds.pod, systemNamespace)]);
  const running = pods.filter((pod) => pod.metadata?.labels?.[emulatorLabel] === emulatorApp && pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp);
  const uncovered = nodes.map((node) => node.metadata?.name ?? '').filter((node) => !running.some((pod) => pod.spec?.nodeName === node));
  if (uncovered.length > 0) {
    return fail(`no metadata service runs on node ${uncovered.join(', ')} (no running ${emulatorApp} pod): removing the emulator is not a fix, the node needs it (k8s-sec-lab reset ${scenario.id} reinstalls it)`, {
      object: `DaemonSet ${systemNamespace}/${emulatorApp}`,
      observed: `${running.length} running pods for ${nodes.length} nodes`,
      expected: 'one running emulator on every node',
    });
  }
  const verdicts = await Promise.all(running.map(async (pod) => judgeParsed(spec, await askEmulator(view, pod), { object: `Pod ${objectRef(pod)} on node ${pod.spec?.nodeName}` })));
  return verdicts.find((verdict) => verdict.status !== 'pass') ?? pass(`every node's emulator (${running.length}) applies ${describeApplied(verdicts)}`, verdicts[0]?.evidence);
}

/** The settings one emulator applies, from its lab-only path (it answers that only to a client in its own pod). */
async function askEmulator(view: ClusterView, pod: KubeObject): Promise<ParsedSettings> {
  const result = await view.client.exec(pod.metadata?.namespace ?? systemNamespace, pod.metadata?.name ?? '', serverContainer, effectiveSettingsCommand(), 10_000);
  if (result.exitCode !== 0) throw new Error(`could not ask ${objectRef(pod)} for its settings (exit ${result.exitCode}): ${result.stderr.trim().slice(0, 300)}`);
  return parseEffectiveSettings(result.stdout);
}

/** The command run in the emulator's server container: its python3 asks the emulator on its own address. */
export function effectiveSettingsCommand(url = effectiveSettingsUrl): string[] {
  return ['python3', '-c', `import urllib.request as r; print(r.urlopen(${JSON.stringify(url)}, timeout=3).read().decode())`];
}

/** The emulator's JSON answer (see server.py, effective_settings) as the grader's parse result. */
export function parseEffectiveSettings(stdout: string): ParsedSettings {
  const answer = JSON.parse(stdout) as ({ valid: true } & ImdsSettings) | { valid: false; file: SettingName; value: string };
  return answer.valid ? answer : invalidSetting(answer.file, answer.value);
}

function judgeParsed(spec: ImdsSettingsSpec, parsed: ParsedSettings, source: { object: string; written?: string }): Verdict {
  const evidence = (observed: string): Evidence => ({ object: source.object, observed, expected: describeExpected(spec) });
  const from = source.written ? ` (written: ${source.written})` : '';
  if (!parsed.valid) {
    return fail(`the emulator refuses its settings: ${parsed.message}; it then answers every request with 500, the node's own included, which switches the metadata service off instead of fixing it${from}`, evidence(`invalid: ${parsed.message}`));
  }
  const applied = describeSettings(parsed);
  const problems = [
    spec.expect.httpTokens && parsed['http-tokens'] !== spec.expect.httpTokens
      ? parsed['http-tokens'] === 'optional'
        ? 'http-tokens is optional: a plain GET without a token still works (IMDSv1), whatever the hop limit'
        : 'http-tokens is required, expected optional'
      : undefined,
    spec.expect.hopLimitAtMost !== undefined && parsed['http-put-response-hop-limit'] > spec.expect.hopLimitAtMost
      ? `the hop limit is ${parsed['http-put-response-hop-limit']}: a token still reaches pods, which are one hop further than the node (expected at most ${spec.expect.hopLimitAtMost})`
      : undefined,
    spec.expect.httpEndpoint && parsed['http-endpoint'] !== spec.expect.httpEndpoint
      ? parsed['http-endpoint'] === 'disabled'
        ? 'http-endpoint is disabled: switching the metadata service off is not the fix, the node itself needs it'
        : 'http-endpoint is enabled, expected disabled'
      : undefined,
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) return fail(`${source.object}: ${problems.join('; ')}${from}`, evidence(applied));
  return pass(`${source.object}: the emulator applies ${applied}${from}`, evidence(applied));
}

function describeSettings(settings: ImdsSettings): string {
  return `http-tokens=${settings['http-tokens']}, hop limit ${settings['http-put-response-hop-limit']}, http-endpoint=${settings['http-endpoint']}`;
}

function describeApplied(verdicts: readonly Verdict[]): string {
  return verdicts[0]?.evidence?.observed ?? 'the expected settings';
}

function describeExpected(spec: ImdsSettingsSpec): string {
  const { httpTokens, hopLimitAtMost, httpEndpoint } = spec.expect;
  return [httpTokens && `http-tokens=${httpTokens}`, hopLimitAtMost !== undefined && `hop limit at most ${hopLimitAtMost}`, httpEndpoint && `http-endpoint=${httpEndpoint}`, 'valid settings'].filter(Boolean).join(', ');
}
