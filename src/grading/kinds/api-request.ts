import { z } from 'zod';
import type { Impersonation, RawRequest } from '../../kube/client.js';
import { objectPath, resourceType } from '../../kube/resources.js';
import { objectRef } from '../../model/k8s.js';
import { judgeResponse } from '../api-response.js';
import { admissionTargets } from '../admission-replay.js';
import type { GradingContext } from '../context.js';
import { dnsLabel, expectationSchema, objectRefSchema, subjectSchema, type SubjectSpec } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector, matching } from '../select.js';
import { error, fail, pass, type Verdict } from '../types.js';
import { target, watched, type WatchTarget } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';
import { subjectIdentity } from './access-review.js';

const patchTypes = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
} as const;

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const fields = {
  /** Who sends it (impersonated); the lab's own identity without it. */
  as: subjectSchema.optional(),
  /** `none`: sent with no client certificate, token or login at all (the cluster CA still trusted), as an unauthenticated curl is; not impersonation, which is a different code path. */
  credentials: z.enum(['kubeconfig', 'none']).default('kubeconfig'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** A literal API path, e.g. /api/v1/namespaces/ops/secrets. */
  path: z.string().regex(/^\/[^\s?]*$/, 'must be an API path starting with / (query parameters go in query)').optional(),
  /** Or: every live object of this kind (by name or selector); the request goes to each, and each answer must meet expect. */
  object: objectRefSchema.optional(),
  /** With object: a subresource, e.g. scale, status, ephemeralcontainers. */
  subresource: z.string().regex(/^[a-z]+$/).optional(),
  query: z.record(z.string(), z.string()).default({}),
  /** The request body (sent as JSON). */
  body: z.json().optional(),
  /** With PATCH: how the body patches. */
  patch: z.enum(['strategic', 'merge', 'json']).optional(),
  /** A write is a server-side dry run (dryRun=All: admission runs, nothing is stored) unless this says false. */
  dryRun: z.boolean().optional(),
  expect: z
    .object({
      status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional(),
      admission: z.enum(['refused', 'admitted']).optional(),
      bodyContains: z.array(z.string().min(1)).default([]),
      bodyExcludes: z.array(z.string().min(1)).default([]),
      fields: z.array(expectationSchema).default([]),
    })
    .strict(),
  /** The namespace the scenario must still have for the request to mean anything (a deleted namespace is a cheat). */
  namespace: dnsLabel.optional(),
};
type ApiRequestSpec = KindSpec<typeof fields>;

/**
 * One API request, real or as a server-side dry run, optionally as another
 * subject, judged on the answer: status, admission's verdict, the body.
 * For what no object or review shows: an update or a subresource
 * (`kubectl set image`, `kubectl debug`) refused by admission, what an
 * anonymous or impersonated caller gets back from an endpoint.
 */
export const apiRequest = defineKind({
  fields,
  refine(spec, ctx) {
    if (Boolean(spec.path) === Boolean(spec.object)) ctx.addIssue({ code: 'custom', message: 'give either path or object: where the request goes' });
    if (spec.as && spec.credentials === 'none') ctx.addIssue({ code: 'custom', path: ['credentials'], message: 'credentials: none sends no identity, so it cannot impersonate `as` (impersonation needs the lab\'s credentials)' });
    if (spec.subresource && !spec.object) ctx.addIssue({ code: 'custom', path: ['subresource'], message: 'subresource needs object (with path, write it into the path)' });
    if (spec.method === 'PATCH' && !spec.patch) ctx.addIssue({ code: 'custom', path: ['patch'], message: 'a PATCH needs patch: strategic, merge or json' });
    if (spec.method !== 'PATCH' && spec.patch) ctx.addIssue({ code: 'custom', path: ['patch'], message: 'patch is only for method PATCH' });
    if (!writes.has(spec.method) && (spec.dryRun !== undefined || spec.expect.admission)) {
      ctx.addIssue({ code: 'custom', path: [spec.dryRun !== undefined ? 'dryRun' : 'expect'], message: 'dryRun and expect.admission are for writes (POST, PUT, PATCH, DELETE); a GET passes no admission' });
    }
    const { status, admission, bodyContains, bodyExcludes, fields: bodyFields } = spec.expect;
    if (status === undefined && !admission && bodyContains.length + bodyExcludes.length + bodyFields.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'say what the answer must be: status, admission, bodyContains, bodyExcludes or fields' });
    }
  },
  run: sendRequest,
  watch: watchTargets,
});

async function sendRequest(spec: ApiRequestSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const namespace = spec.namespace ?? spec.object?.namespace;
  if (namespace) {
    const missing = await missingNamespace(view, scenario, namespace);
    if (missing) return missing;
  }
  const paths = await targetPaths(spec, view);
  if ('verdict' in paths) return paths.verdict;
  const impersonate = spec.as ? impersonation(spec.as) : undefined;
  const dryRun = writes.has(spec.method) && spec.dryRun !== false;
  const query = new URLSearchParams(spec.query);
  if (dryRun) query.set('dryRun', 'All');
  const expect = { ...spec.expect, status: spec.expect.status === undefined ? undefined : [spec.expect.status].flat() };
  const verdicts = await Promise.all(
    paths.targets.map(async ({ path, label }) => {
      const request: RawRequest = {
        method: spec.method,
        path,
        query,
        ...(spec.body !== undefined ? { body: JSON.stringify(spec.body), contentType: spec.patch ? patchTypes[spec.patch] : 'application/json' } : {}),
        ...(impersonate ? { impersonate } : {}),
        credentials: spec.credentials,
      };
      const anonymous = spec.credentials === 'none';
      const name = `${spec.method} ${label}${dryRun ? ' (server-side dry run)' : ''}${spec.as ? ` as ${subjectIdentity(spec.as).label}` : ''}${anonymous ? ' with no credentials' : ''}`;
      return judgeResponse(name, await view.client.rawRequest(request), expect, !spec.as && !anonymous);
    }),
  );
  const worst = verdicts.find((verdict) => verdict.status === 'error') ?? verdicts.find((verdict) => verdict.status === 'fail');
  if (worst) return worst;
  return verdicts.length === 1 ? verdicts[0]! : pass(`all ${verdicts.length} requests are answered as expected: ${verdicts.map((verdict) => verdict.message).join('; ')}`);
}

type Targets = { targets: { path: string; label: string }[] } | { verdict: Verdict };

/** The literal path, or the path of every live object the check names (none is a failure: the object is gone). */
async function targetPaths(spec: ApiRequestSpec, view: GradingContext['view']): Promise<Targets> {
  if (spec.path) return { targets: [{ path: spec.path, label: spec.path }] };
  const ref = spec.object!;
  const type = resourceType(ref.apiVersion, ref.kind);
  if (!type) return { verdict: error(`the lab cannot read ${ref.apiVersion} ${ref.kind}`) };
  const all = await view.list(ref, type.namespaced ? ref.namespace : undefined);
  const objects = (ref.name ? all.filter((object) => object.metadata?.name === ref.name) : matching(all, ref.selector)).filter((object) => !object.metadata?.deletionTimestamp);
  if (objects.length === 0) {
    const what = ref.name ? `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}` : `${ref.kind} matching ${describeSelector(ref.selector)}${ref.namespace ? ` in ${ref.namespace}` : ''}`;
    return { verdict: fail(`${what} does not exist, so nothing can be asked of it`, { object: what, observed: 'missing', expected: 'exists' }) };
  }
  return {
    targets: objects.map((object) => {
      const base = objectPath(type, object.metadata?.name ?? '', object.metadata?.namespace);
      return { path: spec.subresource ? `${base}/${spec.subresource}` : base, label: `${ref.kind} ${objectRef(object)}${spec.subresource ? `/${spec.subresource}` : ''}` };
    }),
  };
}

function impersonation(subject: SubjectSpec): Impersonation {
  const { user, groups } = subjectIdentity(subject);
  return { user, groups };
}

function watchTargets(spec: ApiRequestSpec): WatchTarget[] {
  const namespace = spec.namespace ?? spec.object?.namespace;
  return [
    ...(spec.object ? [target(spec.object, spec.object.namespace)] : []),
    ...(writes.has(spec.method) && namespace ? admissionTargets(namespace) : [target(watched.namespace)]),
    // Who may do what decides the answer when the request is someone else's, or nobody's.
    ...(spec.as || spec.credentials === 'none' ? watched.rbac.map((kind) => target(kind, namespace)) : []),
  ];
}
