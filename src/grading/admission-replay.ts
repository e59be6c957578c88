import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAuthorizationRefusal, parseRefusal, type Refusal } from '../engines/admission/refusal.js';
import { podTemplateOf } from '../engines/pod-security/index.js';
import type { KubeClient } from '../kube/client.js';
import { KubeRequestError } from '../kube/errors.js';
import { parseManifests } from '../manifests/load.js';
import type { KubeObject } from '../model/k8s.js';
import { z } from 'zod';
import type { GradingContext, ScenarioContext } from './context.js';
import { dnsLabel } from './fields.js';
import { missingNamespace } from './namespaces.js';
import { error, pass, type Verdict } from './types.js';
import { target, watched, type WatchTarget } from './watch.js';

/**
 * Server-side dry runs of a scenario's manifests, shared by the admission
 * kinds: the API server runs validation and every admission plugin (Pod
 * Security, admission policies, webhooks, quota, LimitRange) but stores
 * nothing, and the answer is sorted into refused by admission, admitted,
 * or could not tell.
 */
export type DryRunOutcome = { status: 'refused'; refusal: Refusal } | { status: 'admitted'; object?: KubeObject } | { status: 'error'; message: string };

/** The fields every replaying kind has: the scenario's manifests, and the namespace they are replayed in. */
export const replayFields = {
  /** A manifest in the scenario folder (objects sent as server-side dry runs). */
  manifest: z.string().min(1).optional(),
  /** Several such manifests, e.g. the attacker's Pod and the Deployment that would run it. */
  manifests: z.array(z.string().min(1)).min(1).optional(),
  namespace: dnsLabel,
};

export function refineReplay(spec: { manifest?: string; manifests?: string[] }, ctx: z.RefinementCtx): void {
  if (admissionManifests(spec).length === 0) ctx.addIssue({ code: 'custom', message: 'give manifest or manifests: the objects to replay' });
}

/**
 * Replays every object of the check's manifests with `judge` (in parallel) and
 * returns the worst verdict (an error before a failure), or one pass that
 * joins them all; `observed` and `expected` describe the pass.
 */
export async function replayEach(
  spec: { manifest?: string; manifests?: string[]; namespace: string },
  { view, scenario }: GradingContext,
  judge: (object: KubeObject) => Promise<Verdict>,
  summary: { observed: string; expected: string },
): Promise<Verdict> {
  const missing = await missingNamespace(view, scenario, spec.namespace);
  if (missing) return missing;
  const replay = await replayObjects(scenario, admissionManifests(spec), spec.namespace);
  if ('empty' in replay) return error(`${replay.empty} holds no object to replay`);
  const verdicts = await Promise.all(replay.objects.map(judge));
  const worst = verdicts.find((verdict) => verdict.status === 'error') ?? verdicts.find((verdict) => verdict.status === 'fail');
  if (worst) return worst;
  return verdicts.length === 1 ? verdicts[0]! : pass(verdicts.map((verdict) => verdict.message).join('; '), { object: replay.objects.map(describeObject).join(', '), ...summary });
}

/** The manifest files a check replays. */
export function admissionManifests(spec: { manifest?: string; manifests?: string[] }): string[] {
  return [...(spec.manifest ? [spec.manifest] : []), ...(spec.manifests ?? [])];
}

/**
 * Every object of the manifests, placed in `namespace`; `empty` names a
 * manifest that holds none. Images stay as the manifests write them, never
 * through the image map: a dry run pulls nothing, and the image string is
 * what an image policy judges.
 */
export async function replayObjects(
  scenario: Pick<ScenarioContext, 'dir'>,
  manifests: string[],
  namespace: string,
): Promise<{ objects: KubeObject[] } | { empty: string }> {
  const objects: KubeObject[] = [];
  for (const manifest of manifests) {
    const file = join(scenario.dir, manifest);
    const parsed = parseManifests(await readFile(file, 'utf8'), file);
    if (parsed.length === 0) return { empty: manifest };
    objects.push(...parsed.map(({ object }) => ({ ...object, metadata: { ...object.metadata, namespace } })));
  }
  return { objects };
}

/** The Pod a workload's controller would create from its template, or undefined for a Pod or an object without one. */
export function templatePod(object: KubeObject, namespace: string): KubeObject | undefined {
  const template = podTemplateOf(object);
  if (object.kind === 'Pod' || template.status !== 'template') return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(template.metadata as KubeObject['metadata']), generateName: `${object.metadata?.name ?? 'replay'}-`, namespace },
    spec: template.spec,
  };
}

/** One server-side dry-run create. Unreachable and 5xx throw (the check is `error`). */
export async function dryRunCreate(client: KubeClient, object: KubeObject): Promise<DryRunOutcome> {
  try {
    return { status: 'admitted', object: await client.create(object, { dryRun: true }) };
  } catch (thrown) {
    if (!(thrown instanceof KubeRequestError) || thrown.isUnreachable || thrown.status >= 500) throw thrown;
    // AlreadyExists comes from storage, after admission let the object through.
    if (thrown.status === 409) return { status: 'admitted' };
    return refusalOutcome(thrown.status, thrown.reason, thrown.message.replace(/^[A-Z]+ \S+: /, ''));
  }
}

/** A refused request sorted into refused by admission, or an error (RBAC refused the lab, an invalid request). */
export function refusalOutcome(status: number, reason: string, message: string): DryRunOutcome {
  const refusal = parseRefusal(message);
  if (refusal) return { status: 'refused', refusal };
  if (isAuthorizationRefusal(message)) return { status: 'error', message: `the lab's own request was refused by RBAC, so admission was never asked: ${message}` };
  return { status: 'error', message: `refused, but not by admission (${status} ${reason}): ${message}` };
}

/** "Pod tenant-a/web", or the generated-name prefix when the object has no name. */
export function describeObject(object: KubeObject): string {
  return `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name ?? object.metadata?.generateName ?? '?'}`;
}

/** What admission depends on: namespace labels (Pod Security), admission policies and bindings, quotas and limit ranges. */
export function admissionTargets(namespace: string): WatchTarget[] {
  return [target(watched.namespace), target(watched.admissionPolicy), target(watched.admissionPolicyBinding), target(watched.resourceQuota, namespace), target(watched.limitRange, namespace)];
}
