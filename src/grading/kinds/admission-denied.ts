import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { describeRefuser, isAuthorizationRefusal, parseRefusal, type Refusal } from '../../engines/admission/refusal.js';
import { podTemplateOf } from '../../engines/pod-security/index.js';
import { KubeRequestError } from '../../kube/errors.js';
import { parseManifests } from '../../manifests/load.js';
import type { KubeObject } from '../../model/k8s.js';
import type { GradingContext } from '../context.js';
import { dnsLabel } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { error, fail, pass, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  /** A manifest in the scenario folder whose objects must all be refused (sent as server-side dry runs). */
  manifest: z.string().min(1).optional(),
  /** Several such manifests, e.g. the attacker's Pod and the Deployment that would run it. */
  manifests: z.array(z.string().min(1)).min(1).optional(),
  namespace: dnsLabel,
  /** Text the refusal must contain when this lesson wants one control (e.g. "PodSecurity"); any admission refusal counts without it. */
  reasonContains: z.string().min(1).optional(),
};
type AdmissionDeniedSpec = KindSpec<typeof fields>;

/** The manifest files a check replays. */
export function admissionManifests(spec: { manifest?: string; manifests?: string[] }): string[] {
  return [...(spec.manifest ? [spec.manifest] : []), ...(spec.manifests ?? [])];
}

/**
 * Replays the attacker's objects as server-side dry runs: the API server runs
 * validation and every admission plugin but stores nothing. Each object must
 * be refused by admission (Pod Security, a ValidatingAdmissionPolicy, a
 * webhook, a quota or LimitRange), and the verdict says who refused. A
 * workload that is admitted while its pods would be refused counts as
 * refused: Pod Security judges pods, never their controllers. A refusal
 * that is not admission (RBAC refusing the lab, a broken manifest) is an
 * error: it cannot prove the control works.
 */
export const admissionDenied = defineKind({
  fields,
  refine(spec, ctx) {
    if (admissionManifests(spec).length === 0) ctx.addIssue({ code: 'custom', message: 'give manifest or manifests: the objects to replay' });
  },
  run: replayRefused,
  // Admission depends on namespace labels (Pod Security), admission policies, quotas and limit ranges.
  watch: (spec) => [target(watched.namespace), target(watched.admissionPolicy), target(watched.admissionPolicyBinding), target(watched.resourceQuota, spec.namespace), target(watched.limitRange, spec.namespace)],
});

type Outcome = { status: 'refused'; refusal: Refusal } | { status: 'admitted' } | { status: 'error'; message: string };

async function replayRefused(spec: AdmissionDeniedSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const missing = await missingNamespace(view, scenario, spec.namespace);
  if (missing) return missing;
  const objects: KubeObject[] = [];
  for (const manifest of admissionManifests(spec)) {
    const file = join(scenario.dir, manifest);
    const parsed = parseManifests(await readFile(file, 'utf8'), file);
    if (parsed.length === 0) return error(`${manifest} holds no object to replay`);
    objects.push(...parsed.map(({ object }) => ({ ...object, metadata: { ...object.metadata, namespace: spec.namespace } })));
  }
  const verdicts = await Promise.all(objects.map((object) => judgeObject(object, spec, view.client)));
  const worst = verdicts.find((verdict) => verdict.status === 'error') ?? verdicts.find((verdict) => verdict.status === 'fail');
  if (worst) return worst;
  return verdicts.length === 1 ? verdicts[0]! : pass(verdicts.map((verdict) => verdict.message).join('; '), { object: objects.map(describe).join(', '), observed: 'all refused', expected: expectedRefusal(spec) });
}

async function judgeObject(object: KubeObject, spec: AdmissionDeniedSpec, client: GradingContext['view']['client']): Promise<Verdict> {
  const what = describe(object);
  const expected = expectedRefusal(spec);
  const outcome = await dryRunCreate(client, object);
  if (outcome.status === 'error') return error(`could not replay ${what}: ${outcome.message}`);
  if (outcome.status === 'refused') return judgeRefusal(what, outcome.refusal, spec);

  // Admitted. A workload's pods meet admission only when its controller creates them: replay its template as a Pod.
  const template = podTemplateOf(object);
  if (object.kind === 'Pod' || template.status !== 'template') {
    return fail(`the API server admits ${what} (server-side dry run): nothing stops the attacker from creating it`, { object: what, observed: 'admitted', expected });
  }
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(template.metadata as KubeObject['metadata']), generateName: `${object.metadata?.name ?? 'attack'}-`, namespace: spec.namespace },
    spec: template.spec,
  };
  const podOutcome = await dryRunCreate(client, pod);
  if (podOutcome.status === 'error') return error(`could not replay the pods of ${what}: ${podOutcome.message}`);
  if (podOutcome.status === 'admitted') {
    return fail(`the API server admits ${what} and the pods it would create (server-side dry runs): nothing stops the attacker from running it`, { object: what, observed: 'admitted, and its pods too', expected });
  }
  const verdict = judgeRefusal(`the pods of ${what}`, podOutcome.refusal, spec);
  if (verdict.status !== 'pass') return verdict;
  return pass(
    `the API server admits ${what} itself (${podOutcome.refusal.refuser.by === 'PodSecurity' ? 'Pod Security judges pods, not their controllers' : 'its controller creates the pods later'}), but refuses the pods it would create: ${describeRefuser(podOutcome.refusal.refuser)}: ${podOutcome.refusal.detail}`,
    verdict.evidence,
  );
}

function judgeRefusal(what: string, refusal: Refusal, spec: AdmissionDeniedSpec): Verdict {
  const by = describeRefuser(refusal.refuser);
  const evidence = { object: what, observed: `refused by ${by}: ${refusal.detail}`, expected: expectedRefusal(spec) };
  if (spec.reasonContains && !`${refusal.refuser.by} ${by} ${refusal.detail}`.includes(spec.reasonContains)) {
    return fail(`the API server refuses ${what}, but by ${by} (${refusal.detail}), and this check asks for a refusal by ${spec.reasonContains}`, evidence);
  }
  return pass(`the API server refuses ${what}: ${by}: ${refusal.detail}`, evidence);
}

/** One server-side dry-run create, sorted into refused by admission, admitted, or could not tell. */
async function dryRunCreate(client: GradingContext['view']['client'], object: KubeObject): Promise<Outcome> {
  try {
    await client.create(object, { dryRun: true });
    return { status: 'admitted' };
  } catch (thrown) {
    if (!(thrown instanceof KubeRequestError) || thrown.isUnreachable || thrown.status >= 500) throw thrown;
    // AlreadyExists comes from storage, after admission let the object through.
    if (thrown.status === 409) return { status: 'admitted' };
    const message = thrown.message.replace(/^[A-Z]+ \S+: /, '');
    const refusal = parseRefusal(message);
    if (refusal) return { status: 'refused', refusal };
    if (isAuthorizationRefusal(message)) return { status: 'error', message: `the lab's own request was refused by RBAC, so admission was never asked: ${message}` };
    return { status: 'error', message: `refused, but not by admission (${thrown.status} ${thrown.reason}): ${message}` };
  }
}

function describe(object: KubeObject): string {
  return `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name ?? object.metadata?.generateName ?? '?'}`;
}

function expectedRefusal(spec: AdmissionDeniedSpec): string {
  return spec.reasonContains ? `refused by ${spec.reasonContains}` : 'refused by admission (Pod Security, an admission policy or webhook, a quota)';
}
