import { describe, expect, it } from 'vitest';
import { describeAction, describeException, isExcepted, parseResource, presetNames, questionsFor, ruleProblems, wildcardProbe } from '../../../src/engines/rbac/powers.js';

describe('parseResource', () => {
  it('reads kubectl spellings: plural, .group and /subresource', () => {
    expect(parseResource('secrets')).toEqual({ group: '', resource: 'secrets' });
    expect(parseResource('pods/exec')).toEqual({ group: '', resource: 'pods', subresource: 'exec' });
    expect(parseResource('deployments.apps')).toEqual({ group: 'apps', resource: 'deployments' });
    expect(parseResource('roles.rbac.authorization.k8s.io')).toEqual({ group: 'rbac.authorization.k8s.io', resource: 'roles' });
    expect(parseResource('deployments.apps/scale')).toEqual({ group: 'apps', resource: 'deployments', subresource: 'scale' });
  });
});

describe('ruleProblems', () => {
  it('accepts verbs and resources as kubectl writes them, wildcards included', () => {
    expect(ruleProblems({ verbs: ['get', '*', 'deletecollection'], resources: ['pods/exec', '*', 'jobs.batch'] })).toEqual([]);
  });
  it('names a resource or verb that is not of that form', () => {
    expect(ruleProblems({ verbs: ['Get all'], resources: ['Pods', 'pods exec'] })).toEqual([
      'resource "Pods" is not of the form plural[.group][/subresource], e.g. pods/exec or deployments.apps',
      'resource "pods exec" is not of the form plural[.group][/subresource], e.g. pods/exec or deployments.apps',
      'verb "Get all" is not a Kubernetes verb (get, list, create, ...)',
    ]);
  });
});

describe('questionsFor', () => {
  it('asks a namespaced power in each namespace, and cluster-wide when no namespace is given', () => {
    const inTwo = questionsFor([{ verbs: ['get'], resources: ['secrets'] }], ['ops', 'ci']);
    expect(inTwo.map((question) => question.namespace)).toEqual(['ops', 'ci']);
    const clusterWide = questionsFor([{ verbs: ['get'], resources: ['secrets'] }], []);
    expect(clusterWide).toEqual([{ verb: 'get', group: '', resource: 'secrets' }]);
  });

  it('asks impersonation of users and groups cluster-wide only, of service accounts per namespace', () => {
    const questions = questionsFor(['escalation'], ['ops']);
    const impersonate = questions.filter((question) => question.verb === 'impersonate');
    expect(impersonate.map((question) => `${question.resource}@${question.namespace ?? '*'}`)).toEqual(['users@*', 'groups@*', 'serviceaccounts@ops', 'uids@*', 'userextras@*']);
    // bind on a ClusterRole is checked in the namespace of the RoleBinding that would reference it.
    expect(questions.some((question) => question.verb === 'bind' && question.resource === 'clusterroles' && question.namespace === 'ops')).toBe(true);
  });

  it('covers every workload controller, for create and for update and patch', () => {
    const resources = (preset: 'workload-create' | 'workload-modify') => questionsFor([preset], ['ops']).map((question) => `${question.verb} ${question.resource}.${question.group}`);
    expect(resources('workload-create')).toEqual(['create pods.', 'create replicationcontrollers.', 'create deployments.apps', 'create replicasets.apps', 'create statefulsets.apps', 'create daemonsets.apps', 'create jobs.batch', 'create cronjobs.batch']);
    expect(resources('workload-modify')).toHaveLength(16);
  });

  it('asks the shell subresources with both verbs a client may send', () => {
    const shell = questionsFor(['pod-shell'], ['ops']).map((question) => `${question.verb} ${question.resource}/${question.subresource}`);
    expect(shell).toEqual(expect.arrayContaining(['get pods/exec', 'create pods/exec', 'get pods/attach', 'create pods/attach', 'get pods/portforward', 'create pods/portforward', 'patch pods/ephemeralcontainers']));
  });

  it('probes wildcards with names no real rule lists', () => {
    const wildcards = questionsFor(['wildcards'], ['ops']);
    expect(wildcards).toContainEqual({ verb: wildcardProbe.verb, group: wildcardProbe.group, resource: wildcardProbe.resource, namespace: 'ops', preset: 'wildcards' });
    expect(wildcards.map(describeAction)).toEqual(['any verb on any resource (a "*" rule)', 'get on any resource of the core group (a "*" resource)', 'any verb on pods (a "*" verb)']);
  });

  it('drops duplicates and asks each name of a rule', () => {
    const questions = questionsFor(['secrets-read', { verbs: ['get'], resources: ['secrets'] }, { verbs: ['get'], resources: ['services/proxy'], names: ['dashboard', 'dashboard:http'] }], ['ops']);
    expect(questions.map(describeAction)).toEqual(['get secrets', 'list secrets', 'watch secrets', 'get services/proxy dashboard', 'get services/proxy dashboard:http']);
  });

  it('knows every preset it advertises', () => {
    for (const preset of presetNames) expect(questionsFor([preset], ['ops']).length).toBeGreaterThan(0);
  });
});

describe('isExcepted', () => {
  const clusterInfo = { verbs: ['get'], resource: 'configmaps', name: 'cluster-info', namespace: 'kube-public' };
  const question = { verb: 'get', group: '', resource: 'configmaps', name: 'cluster-info', namespace: 'kube-public' };

  it('excepts exactly the verb on the named object in its namespace', () => {
    expect(isExcepted(question, [clusterInfo])).toBe(true);
  });

  it('does not except every object, another verb, name, namespace or group', () => {
    const { name: _unnamed, ...everyConfigMap } = question;
    for (const other of [everyConfigMap, { ...question, verb: 'list' }, { ...question, name: 'settings' }, { ...question, namespace: 'storefront' }, { ...question, group: 'apps' }]) {
      expect(isExcepted(other, [clusterInfo]), JSON.stringify(other)).toBe(false);
    }
  });

  it('reads the resource in kubectl spelling', () => {
    const deployment = { verbs: ['get'], resource: 'deployments.apps', name: 'storefront', namespace: 'shop' };
    expect(isExcepted({ verb: 'get', group: 'apps', resource: 'deployments', name: 'storefront', namespace: 'shop' }, [deployment])).toBe(true);
    expect(describeException(deployment)).toBe('get deployments.apps storefront in shop');
  });
});
