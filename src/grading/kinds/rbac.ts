import { z } from 'zod';
import { bindingsNaming, describeBinding, describeGrant, namesGrantedFor, namesUser, parseRbacReason, type Binding, type Identity, type PolicyRule } from '../../engines/rbac/grants.js';
import { describeAction, describeException, describeScope, isExcepted, presetNames, questionKey, questionsFor, ruleProblems, type PowerEntry, type PowerQuestion, type PresetName } from '../../engines/rbac/powers.js';
import type { KubeObject } from '../../model/k8s.js';
import type { ClusterView } from '../cluster-view.js';
import type { GradingContext } from '../context.js';
import { dnsLabel, subjectSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { fail, pass, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { subjectIdentity } from './access-review.js';
import { defineKind, type KindSpec } from './kind.js';

const rule = z
  .object({
    verbs: z.array(z.string().min(1)).min(1),
    resources: z.array(z.string().min(1)).min(1),
    names: z.array(z.string().min(1)).optional(),
  })
  .strict();
const preset = z.enum(presetNames as [PresetName, ...PresetName[]]);
const allowRule = rule.extend({ namespace: dnsLabel.optional() }).strict();
const exception = z
  .object({
    verbs: z.array(z.string().min(1)).min(1),
    resource: z.string().min(1),
    name: z.string().min(1),
    namespace: dnsLabel.optional(),
  })
  .strict();

const fields = {
  /** Whose permissions: a user with groups, one service account, or every service account of a namespace. */
  subject: z.union([subjectSchema, z.object({ serviceAccounts: z.object({ namespace: dnsLabel }).strict() }).strict()]),
  /** Where namespaced powers are judged; every namespace where a RoleBinding names the subject is added. Empty: cluster-wide. */
  namespaces: z.array(dnsLabel).default([]),
  /** Powers the subject must not hold: presets (secrets-read, workload-create, ...) or {verbs, resources, names}. */
  deny: z.array(z.union([preset, rule])).default([]),
  /** Powers the subject must keep (the legitimate path), in `namespace` or each of `namespaces`. */
  allow: z.array(z.union([preset, allowRule])).default([]),
  /** Denied powers the platform grants on purpose, each on one named object (kubeadm lets anonymous get ConfigMap kube-public/cluster-info); every other object stays denied. */
  except: z.array(exception).default([]),
};
type RbacSpec = KindSpec<typeof fields>;
type AllowEntry = RbacSpec['allow'][number];

const roleBinding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' } as const;
const clusterRoleBinding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' } as const;
const roleKind = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' } as const;
const clusterRoleKind = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' } as const;
type BindingObject = KubeObject & Binding;
type RoleObject = KubeObject & { rules?: PolicyRule[] };

/**
 * An RBAC allowlist: the subject holds none of the denied powers in the
 * namespaces that matter (and cluster-wide), and keeps the allowed ones.
 * Every question goes to the API server's own authorizer as a
 * SubjectAccessReview, so aggregated ClusterRoles, wildcards and group
 * bindings count exactly as they do for a real request; the bindings, read
 * once through the cluster view, only widen the namespaces asked and explain
 * a grant the authorizer did not name; the roles they bind supply the
 * object names a rule limits a grant to (`resourceNames`), so a Role that
 * may get one named Secret is asked about that Secret.
 */
export const rbac = defineKind({
  fields,
  refine(spec, ctx) {
    if (spec.deny.length === 0 && spec.allow.length === 0) ctx.addIssue({ code: 'custom', message: 'give deny, allow or both' });
    for (const [set, entries] of [['deny', spec.deny], ['allow', spec.allow]] as const) {
      entries.forEach((entry, index) => {
        if (typeof entry === 'string') return;
        for (const message of ruleProblems(entry)) ctx.addIssue({ code: 'custom', path: [set, index], message });
      });
    }
    spec.except.forEach((entry, index) => {
      for (const message of ruleProblems({ verbs: entry.verbs, resources: [entry.resource] })) ctx.addIssue({ code: 'custom', path: ['except', index], message });
    });
  },
  run: judgePowers,
  watch: (spec) => [...watched.rbac.map((kind) => target(kind)), ...spec.namespaces.flatMap((namespace) => watched.rbac.map((kind) => target(kind, namespace)))],
});

interface Principal extends Identity {
  label: string;
}

async function judgePowers(spec: RbacSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  for (const namespace of spec.namespaces) {
    const missing = await missingNamespace(view, scenario, namespace);
    if (missing) return missing;
  }
  const [roleBindings, clusterRoleBindings, roles, clusterRoles] = await Promise.all([
    view.list<BindingObject>(roleBinding),
    view.list<BindingObject>(clusterRoleBinding),
    view.list<RoleObject>(roleKind),
    view.list<RoleObject>(clusterRoleKind),
  ]);
  const principals = principalsOf(spec.subject, [...roleBindings, ...clusterRoleBindings]);
  const rulesOf = (binding: BindingObject): PolicyRule[] => {
    const ref = binding.roleRef;
    const role = ref?.kind === 'Role' ? roles.find((candidate) => candidate.metadata?.namespace === binding.metadata?.namespace && candidate.metadata?.name === ref.name) : clusterRoles.find((candidate) => candidate.metadata?.name === ref?.name);
    return role?.rules ?? [];
  };

  // Each principal's questions in parallel, all principals at once: a few dozen SubjectAccessReviews in one round trip's time.
  const judged = await Promise.all(
    principals.map(async (principal) => {
      const bound = new Set(bindingsNaming(roleBindings, principal).map((binding) => binding.metadata?.namespace ?? ''));
      const namespaces = [...new Set([...spec.namespaces, ...bound])].filter(Boolean);
      const denied = withGrantedNames(questionsFor(spec.deny as PowerEntry[], namespaces), (namespace) =>
        [...bindingsNaming(roleBindings.filter((binding) => binding.metadata?.namespace === namespace), principal), ...bindingsNaming(clusterRoleBindings, principal)].flatMap(rulesOf),
      ).filter((question) => !isExcepted(question, spec.except));
      const allowed = allowQuestions(spec.allow, spec.namespaces);
      const answers = await askAll(view, principal, [...denied, ...allowed]);
      const grants = new Map<string, PowerQuestion[]>();
      for (const question of denied) {
        const answer = answers.get(questionKey(question))!;
        if (!answer.allowed) continue;
        const by = explainGrant(answer.reason, question, principal, roleBindings, clusterRoleBindings);
        grants.set(by, [...(grants.get(by) ?? []), question]);
      }
      const missing = allowed.filter((question) => !answers.get(questionKey(question))!.allowed);
      return {
        asked: answers.size,
        held: [...grants].map(([by, questions]) => `${principal.label} may, ${describePowers(questions)}, granted by ${by}`),
        lacking: missing.length > 0 ? [`${principal.label} cannot, ${describePowers(missing)}, which it needs`] : [],
      };
    }),
  );
  const held = judged.flatMap((outcome) => outcome.held);
  const lacking = judged.flatMap((outcome) => outcome.lacking);
  const asked = judged.reduce((sum, outcome) => sum + outcome.asked, 0);

  const who = principals.map((principal) => principal.label).join(', ');
  const denySets = spec.deny.map((entry) => (typeof entry === 'string' ? entry : describePowers(questionsFor([entry], [])))).join(', ');
  const excepted = spec.except.length ? ` (granted on purpose and not judged: ${spec.except.map(describeException).join('; ')})` : '';
  const evidence = {
    object: who,
    observed: [...held, ...lacking].join('; ') || 'none of the denied powers, every allowed one',
    expected: [spec.deny.length ? `none of: ${denySets}${excepted}` : '', spec.allow.length ? 'every allowed power' : ''].filter(Boolean).join('; '),
  };
  if (held.length > 0 || lacking.length > 0) return fail(`${[...held, ...lacking].join('; ')}${excepted}`, evidence);
  const kept = spec.allow.length ? ` and keeps ${describePowers(allowQuestions(spec.allow, spec.namespaces))}` : '';
  return pass(`${who} holds none of ${denySets || 'the denied powers'}${kept}${excepted} (${asked} access reviews)`, evidence);
}

/**
 * The identities to ask about. For every service account of a namespace:
 * each one a binding names; the others hold only what the groups every
 * service account there shares hold, which a stand-in (or any named one) shows.
 */
function principalsOf(subject: RbacSpec['subject'], bindings: readonly BindingObject[]): Principal[] {
  if (!('serviceAccounts' in subject)) {
    const { user, groups, label } = subjectIdentity(subject);
    return [{ user, groups, label }];
  }
  const { namespace } = subject.serviceAccounts;
  const prefix = `system:serviceaccount:${namespace}:`;
  const named = new Set<string>();
  for (const binding of bindings) {
    for (const candidate of binding.subjects ?? []) {
      const user = candidate.kind === 'ServiceAccount' ? `${prefix}${candidate.name}` : candidate.kind === 'User' ? (candidate.name ?? '') : '';
      const saNamespace = candidate.kind === 'ServiceAccount' ? candidate.namespace || binding.metadata?.namespace : namespace;
      if (saNamespace === namespace && user.startsWith(prefix) && namesUser(binding, user)) named.add(user.slice(prefix.length));
    }
  }
  const principal = (name: string, label: string): Principal => ({ ...subjectIdentity({ serviceAccount: { namespace, name } }), label });
  // RBAC only adds: a named account holds everything the shared groups hold, so the stand-in is needed only alone.
  if (named.size === 0) return [principal('k8s-sec-lab-any-service-account', `every service account of ${namespace}`)];
  return [...named].sort().map((name) => principal(name, `ServiceAccount ${namespace}/${name}`));
}

/** Adds, for each unnamed question, one per object name that a rule of the subject's roles limits the same action to. */
function withGrantedNames(questions: readonly PowerQuestion[], rulesIn: (namespace: string | undefined) => PolicyRule[]): PowerQuestion[] {
  const rulesByNamespace = new Map<string, PolicyRule[]>();
  return questions.flatMap((question) => {
    if (question.name) return [question];
    const scope = question.namespace ?? '';
    if (!rulesByNamespace.has(scope)) rulesByNamespace.set(scope, rulesIn(question.namespace));
    return [question, ...namesGrantedFor(rulesByNamespace.get(scope)!, question).map((name) => ({ ...question, name }))];
  });
}

function allowQuestions(entries: readonly AllowEntry[], namespaces: readonly string[]): PowerQuestion[] {
  return entries.flatMap((entry) => (typeof entry === 'string' || !entry.namespace ? questionsFor([entry], namespaces) : questionsFor([entry], [entry.namespace])));
}

async function askAll(view: ClusterView, principal: Principal, questions: readonly PowerQuestion[]): Promise<Map<string, { allowed: boolean; reason?: string }>> {
  const unique = new Map(questions.map((question) => [questionKey(question), question]));
  const answers = await Promise.all(
    [...unique.values()].map((question) =>
      view.client.accessReview({
        user: principal.user,
        groups: principal.groups,
        resourceAttributes: {
          verb: question.verb,
          group: question.group,
          resource: question.resource,
          ...(question.subresource ? { subresource: question.subresource } : {}),
          ...(question.name ? { name: question.name } : {}),
          ...(question.namespace ? { namespace: question.namespace } : {}),
        },
      }),
    ),
  );
  return new Map([...unique.keys()].map((key, index) => [key, answers[index]!]));
}

/** The authorizer's own words when RBAC granted it, else the bindings that name the subject there. */
function explainGrant(reason: string | undefined, question: PowerQuestion, principal: Principal, roleBindings: readonly BindingObject[], clusterRoleBindings: readonly BindingObject[]): string {
  const grant = parseRbacReason(reason);
  if (grant) return describeGrant(grant);
  const candidates = bindingsNaming([...roleBindings.filter((binding) => binding.metadata?.namespace === question.namespace), ...clusterRoleBindings], principal);
  const said = reason ? `the authorizer (${reason})` : 'an authorizer that gave no reason';
  return candidates.length ? `${said}; bindings that name it: ${candidates.map(describeBinding).join(', ')}` : said;
}

/** "in ops: get, list, watch secrets; create pods, deployments.apps", at most 8 phrases per scope. */
export function describePowers(questions: readonly PowerQuestion[]): string {
  const byScope = new Map<string, { verbsByResource: Map<string, string[]>; special: string[] }>();
  for (const question of questions) {
    const scope = describeScope(question);
    const entry = byScope.get(scope) ?? { verbsByResource: new Map<string, string[]>(), special: [] };
    byScope.set(scope, entry);
    const action = describeAction(question);
    const plain = action === `${question.verb} ${action.slice(question.verb.length + 1)}` && !action.includes('"');
    if (!plain) {
      entry.special.push(action);
      continue;
    }
    const resource = action.slice(question.verb.length + 1);
    entry.verbsByResource.set(resource, [...(entry.verbsByResource.get(resource) ?? []), question.verb]);
  }
  const phrases: string[] = [];
  for (const [scope, { verbsByResource, special }] of byScope) {
    const resourcesByVerbs = new Map<string, string[]>();
    for (const [resource, verbs] of verbsByResource) resourcesByVerbs.set(verbs.join(', '), [...(resourcesByVerbs.get(verbs.join(', ')) ?? []), resource]);
    const parts = [...[...resourcesByVerbs].map(([verbs, resources]) => `${verbs} ${resources.join(', ')}`), ...special];
    const shown = parts.slice(0, 8).join('; ');
    phrases.push(`${scope}: ${parts.length > 8 ? `${shown} (and ${parts.length - 8} more)` : shown}`);
  }
  return phrases.join('; ');
}
