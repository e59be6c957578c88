/**
 * Who granted a power: the RBAC authorizer's own explanation, and the
 * bindings that name a subject. Pure functions over plain objects.
 */

/** A user as the authorizer sees it: a service account is system:serviceaccount:<ns>:<name> with its groups. */
export interface Identity {
  user: string;
  groups: string[];
}

export interface Grant {
  bindingKind: 'RoleBinding' | 'ClusterRoleBinding';
  bindingName: string;
  bindingNamespace?: string;
  roleKind: 'Role' | 'ClusterRole';
  roleName: string;
}

/**
 * Reads the reason of an allowed SubjectAccessReview, e.g.
 * `RBAC: allowed by RoleBinding "rb/ops" of ClusterRole "edit" to Group "system:serviceaccounts:ops"`;
 * undefined when another authorizer (or none) explains it.
 */
export function parseRbacReason(reason: string | undefined): Grant | undefined {
  const match = /allowed by (RoleBinding|ClusterRoleBinding) "([^"]+)" of (Role|ClusterRole) "([^"]+)"/.exec(reason ?? '');
  if (!match) return undefined;
  const [, bindingKind, binding = '', roleKind, roleName = ''] = match;
  if (bindingKind === 'RoleBinding') {
    // RoleBindings are written name/namespace.
    const slash = binding.lastIndexOf('/');
    return { bindingKind, bindingName: binding.slice(0, slash), bindingNamespace: binding.slice(slash + 1), roleKind: roleKind as Grant['roleKind'], roleName };
  }
  return { bindingKind: 'ClusterRoleBinding', bindingName: binding, roleKind: roleKind as Grant['roleKind'], roleName };
}

export function describeGrant(grant: Grant): string {
  const binding = grant.bindingNamespace ? `${grant.bindingNamespace}/${grant.bindingName}` : grant.bindingName;
  return `${grant.bindingKind} ${binding} (${grant.roleKind} ${grant.roleName})`;
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface Binding {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

/** Whether a binding subject names the identity, as the RBAC authorizer matches it. */
export function subjectNames(subject: Subject, identity: Identity, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === identity.user;
    case 'Group':
      return identity.groups.includes(subject.name ?? '');
    case 'ServiceAccount': {
      // A RoleBinding's service-account subject without a namespace means the binding's own.
      const namespace = subject.namespace || bindingNamespace;
      return `system:serviceaccount:${namespace}:${subject.name}` === identity.user;
    }
    default:
      return false;
  }
}

/** The bindings among `bindings` that name the identity (by user, group or service account). */
export function bindingsNaming<B extends Binding>(bindings: readonly B[], identity: Identity): B[] {
  return bindings.filter((binding) => (binding.subjects ?? []).some((subject) => subjectNames(subject, identity, binding.metadata?.namespace)));
}

/** Whether a binding names this user directly (not only one of its groups). */
export function namesUser(binding: Binding, user: string): boolean {
  return (binding.subjects ?? []).some((subject) => subject.kind !== 'Group' && subjectNames(subject, { user, groups: [] }, binding.metadata?.namespace));
}

export function describeBinding(binding: Binding): string {
  const name = binding.metadata?.namespace ? `${binding.metadata.namespace}/${binding.metadata.name}` : (binding.metadata?.name ?? '?');
  return `${binding.kind ?? 'binding'} ${name} (${binding.roleRef?.kind ?? 'role'} ${binding.roleRef?.name ?? '?'})`;
}

/** A rule of a Role or ClusterRole, as stored (aggregated ClusterRoles hold their aggregated rules). */
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** Whether a rule covers verb, group and resource (names aside), with the `*` forms RBAC knows (also `*` before a subresource). */
export function ruleCovers(rule: PolicyRule, action: { verb: string; group: string; resource: string; subresource?: string }): boolean {
  const verbs = rule.verbs ?? [];
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  const combined = action.subresource ? `${action.resource}/${action.subresource}` : action.resource;
  return (
    (verbs.includes('*') || verbs.includes(action.verb)) &&
    (groups.includes('*') || groups.includes(action.group)) &&
    (resources.includes('*') || resources.includes(combined) || (action.subresource !== undefined && resources.includes(`*/${action.subresource}`)))
  );
}

/**
 * Object names that rules limit a grant to, for an action: a Role that may
 * `get` only Secret `deploy-bot-token` grants nothing to a question without
 * a name, yet hands out that Secret. The authorizer is then asked about each.
 */
export function namesGrantedFor(rules: readonly PolicyRule[], action: { verb: string; group: string; resource: string; subresource?: string }): string[] {
  return [...new Set(rules.filter((rule) => rule.resourceNames?.length && ruleCovers(rule, action)).flatMap((rule) => rule.resourceNames ?? []))];
}
