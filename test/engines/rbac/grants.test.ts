import { describe, expect, it } from 'vitest';
import { bindingsNaming, describeGrant, namesGrantedFor, parseRbacReason, subjectNames } from '../../../src/engines/rbac/grants.js';

const jumpBox = { user: 'system:serviceaccount:ops:jump-box', groups: ['system:serviceaccounts', 'system:serviceaccounts:ops', 'system:authenticated'] };

describe('parseRbacReason', () => {
  it('reads the RBAC authorizer reasons of SubjectAccessReview (as kube-apiserver 1.36 writes them)', () => {
    expect(parseRbacReason('RBAC: allowed by ClusterRoleBinding "jb" of ClusterRole "cluster-admin" to ServiceAccount "jump-box/ops"')).toEqual({
      bindingKind: 'ClusterRoleBinding',
      bindingName: 'jb',
      roleKind: 'ClusterRole',
      roleName: 'cluster-admin',
    });
    const grant = parseRbacReason('RBAC: allowed by RoleBinding "rb2/ops" of ClusterRole "edit" to Group "system:serviceaccounts:ops"');
    expect(grant).toEqual({ bindingKind: 'RoleBinding', bindingName: 'rb2', bindingNamespace: 'ops', roleKind: 'ClusterRole', roleName: 'edit' });
    expect(describeGrant(grant!)).toBe('RoleBinding ops/rb2 (ClusterRole edit)');
  });

  it('returns undefined for another authorizer or no reason', () => {
    expect(parseRbacReason(undefined)).toBeUndefined();
    expect(parseRbacReason('allowed by the node authorizer')).toBeUndefined();
  });
});

describe('subjectNames', () => {
  it('matches a service account by namespace and name, a RoleBinding subject without namespace in its own', () => {
    expect(subjectNames({ kind: 'ServiceAccount', name: 'jump-box', namespace: 'ops' }, jumpBox, undefined)).toBe(true);
    expect(subjectNames({ kind: 'ServiceAccount', name: 'jump-box' }, jumpBox, 'ops')).toBe(true);
    expect(subjectNames({ kind: 'ServiceAccount', name: 'jump-box', namespace: 'ci' }, jumpBox, 'ops')).toBe(false);
  });
  it('matches the service account as a User and through its groups', () => {
    expect(subjectNames({ kind: 'User', name: 'system:serviceaccount:ops:jump-box' }, jumpBox, 'ops')).toBe(true);
    expect(subjectNames({ kind: 'Group', name: 'system:serviceaccounts:ops' }, jumpBox, 'ci')).toBe(true);
    expect(subjectNames({ kind: 'Group', name: 'system:serviceaccounts:ci' }, jumpBox, 'ci')).toBe(false);
  });
});

describe('bindingsNaming', () => {
  it('keeps the bindings with a subject that names the identity', () => {
    const bindings = [
      { metadata: { name: 'a', namespace: 'ops' }, subjects: [{ kind: 'ServiceAccount', name: 'jump-box' }] },
      { metadata: { name: 'b', namespace: 'ops' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }] },
      { metadata: { name: 'c' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
      { metadata: { name: 'd' } },
    ];
    expect(bindingsNaming(bindings, jumpBox).map((binding) => binding.metadata.name)).toEqual(['a', 'c']);
  });
});

describe('namesGrantedFor', () => {
  const getSecret = { verb: 'get', group: '', resource: 'secrets' };
  it('collects the names that covering rules limit a grant to', () => {
    const rules = [
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['deploy-bot-token'] },
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: ['other', 'deploy-bot-token'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] },
      { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['listed'] },
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'] },
    ];
    expect(namesGrantedFor(rules, getSecret)).toEqual(['deploy-bot-token', 'other']);
  });
  it('matches subresources exactly or through a "*/sub" rule', () => {
    const exec = { verb: 'create', group: '', resource: 'pods', subresource: 'exec' };
    expect(namesGrantedFor([{ verbs: ['create'], apiGroups: [''], resources: ['pods/exec'], resourceNames: ['a'] }], exec)).toEqual(['a']);
    expect(namesGrantedFor([{ verbs: ['create'], apiGroups: [''], resources: ['*/exec'], resourceNames: ['b'] }], exec)).toEqual(['b']);
    expect(namesGrantedFor([{ verbs: ['create'], apiGroups: [''], resources: ['pods'], resourceNames: ['c'] }], exec)).toEqual([]);
  });
});
