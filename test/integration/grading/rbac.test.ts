import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane, useNamespace } from '../setup/plane.js';

type RbacCheck = Extract<CheckSpec, { kind: 'rbac' }>;
const hints = { nudge: 'n', concept: 'c', command: 'k' };

/**
 * The rbac kind against the plane's real authorizer: every grant path RBAC
 * has (Role, ClusterRole through a RoleBinding, ClusterRoleBinding, groups,
 * aggregated ClusterRoles, wildcards, a RoleBinding in another namespace)
 * must show up as a held power, named by its binding.
 */
describeWithPlane('rbac on the test plane', () => {
  const home = useNamespace('rbac-home');
  const elsewhere = useNamespace('rbac-elsewhere');
  let client: KubeClient;
  const created: string[][] = [];
  const grade = (extra: Partial<RbacCheck>) =>
    runCheck(
      {
        id: 'powers',
        title: 'the app account is powerless',
        kind: 'rbac',
        role: 'fix',
        hints,
        subject: { serviceAccount: { namespace: home.name, name: 'app' } },
        namespaces: [home.name],
        deny: ['secrets-read', 'workload-create', 'workload-modify', 'pod-shell', 'escalation', 'wildcards'],
        allow: [],
        except: [],
        ...extra,
      } as RbacCheck,
      { view: new ClusterView(client), scenario: { id: 'rbac-test', dir: '.', namespaces: [home.name, elsewhere.name] } },
    );
  /** Runs kubectl and remembers what to delete afterwards. */
  const make = async (args: string[], cleanup: string[]) => {
    await kubectl(args);
    created.push(cleanup);
  };
  const cleanUp = async () => {
    for (const args of created.splice(0).reverse()) await kubectl(['delete', '--ignore-not-found', ...args]);
  };

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await kubectl(['-n', home.name, 'create', 'serviceaccount', 'app']);
  });
  afterAll(async () => {
    await cleanUp();
    client?.close();
  });

  it('passes an account with no bindings, and one that only reads pods and services', async () => {
    expect((await grade({})).status).toBe('pass');
    await make(['-n', home.name, 'create', 'role', 'reader', '--verb=get,list,watch', '--resource=pods,services,configmaps'], ['-n', home.name, 'role', 'reader']);
    await make(['-n', home.name, 'create', 'rolebinding', 'app-reader', '--role=reader', `--serviceaccount=${home.name}:app`], ['-n', home.name, 'rolebinding', 'app-reader']);
    const verdict = await grade({});
    expect(verdict.status, verdict.message).toBe('pass');
    expect(verdict.message).toContain('holds none of secrets-read, workload-create, workload-modify, pod-shell, escalation, wildcards');
    await cleanUp();
  });

  describe('finds every way to hold a denied power, and names the binding', () => {
    afterAll(cleanUp);
    const cases: { name: string; setup: (ns: string, other: string) => [string[], string[]][]; expected: string[] }[] = [
      {
        name: 'get secrets alone (what an attack on one Secret uses)',
        setup: (ns) => [[['-n', ns, 'create', 'role', 'one-secret', '--verb=get', '--resource=secrets'], ['-n', ns, 'role', 'one-secret']], [['-n', ns, 'create', 'rolebinding', 'app-one-secret', '--role=one-secret', `--serviceaccount=${ns}:app`], ['-n', ns, 'rolebinding', 'app-one-secret']]],
        expected: ['get secrets', 'RoleBinding NS/app-one-secret (Role one-secret)'],
      },
      {
        name: 'get on one named Secret (resourceNames), which an unnamed question never sees',
        setup: (ns) => [
          [['-n', ns, 'create', 'role', 'named-secret', '--verb=get', '--resource=secrets', '--resource-name=deploy-bot-token'], ['-n', ns, 'role', 'named-secret']],
          [['-n', ns, 'create', 'rolebinding', 'app-named-secret', '--role=named-secret', `--serviceaccount=${ns}:app`], ['-n', ns, 'rolebinding', 'app-named-secret']],
        ],
        expected: ['get secrets deploy-bot-token', 'RoleBinding NS/app-named-secret (Role named-secret)'],
      },
      {
        name: 'create jobs, which can mount any Secret',
        setup: (ns) => [[['-n', ns, 'create', 'role', 'jobs', '--verb=create', '--resource=jobs.batch'], ['-n', ns, 'role', 'jobs']], [['-n', ns, 'create', 'rolebinding', 'app-jobs', '--role=jobs', `--serviceaccount=${ns}:app`], ['-n', ns, 'rolebinding', 'app-jobs']]],
        expected: ['create jobs.batch', 'RoleBinding NS/app-jobs (Role jobs)'],
      },
      {
        name: 'the built-in edit ClusterRole, aggregated, bound to every service account of the namespace',
        setup: (ns) => [[['-n', ns, 'create', 'rolebinding', 'all-edit', '--clusterrole=edit', `--group=system:serviceaccounts:${ns}`], ['-n', ns, 'rolebinding', 'all-edit']]],
        expected: ['get, list, watch secrets', 'create pods/exec', 'RoleBinding NS/all-edit (ClusterRole edit)'],
      },
      {
        name: 'a custom ClusterRole that only aggregates others',
        setup: (ns) => [
          [['create', 'clusterrole', `${ns}-exec`, '--verb=create', '--resource=pods/exec'], ['clusterrole', `${ns}-exec`]],
          [['label', 'clusterrole', `${ns}-exec`, `rbac.example.com/aggregate-to-${ns}=true`], ['clusterrole', `${ns}-exec`]],
          [['create', 'clusterrole', `${ns}-aggregate`, `--aggregation-rule=rbac.example.com/aggregate-to-${ns}=true`], ['clusterrole', `${ns}-aggregate`]],
          [['-n', ns, 'create', 'rolebinding', 'app-aggregate', `--clusterrole=${ns}-aggregate`, `--serviceaccount=${ns}:app`], ['-n', ns, 'rolebinding', 'app-aggregate']],
        ],
        expected: ['create pods/exec', `RoleBinding NS/app-aggregate (ClusterRole NS-aggregate)`],
      },
      {
        name: 'a wildcard rule on a group the lab never names',
        setup: (ns) => [
          [['-n', ns, 'create', 'role', 'anything', '--verb=*', '--resource=*.*'], ['-n', ns, 'role', 'anything']],
          [['-n', ns, 'create', 'rolebinding', 'app-anything', '--role=anything', `--serviceaccount=${ns}:app`], ['-n', ns, 'rolebinding', 'app-anything']],
        ],
        expected: ['any verb on any resource (a "*" rule)', 'RoleBinding NS/app-anything (Role anything)'],
      },
      {
        name: 'impersonation, cluster-wide',
        setup: (ns) => [
          [['create', 'clusterrole', `${ns}-impersonate`, '--verb=impersonate', '--resource=users,groups'], ['clusterrole', `${ns}-impersonate`]],
          [['create', 'clusterrolebinding', `${ns}-impersonate`, `--clusterrole=${ns}-impersonate`, `--serviceaccount=${ns}:app`], ['clusterrolebinding', `${ns}-impersonate`]],
        ],
        expected: ['cluster-wide: impersonate users, groups', 'ClusterRoleBinding NS-impersonate (ClusterRole NS-impersonate)'],
      },
      {
        name: 'a RoleBinding in a namespace the check does not list',
        setup: (ns, other) => [[['-n', other, 'create', 'rolebinding', 'app-admin-there', '--clusterrole=admin', `--serviceaccount=${ns}:app`], ['-n', other, 'rolebinding', 'app-admin-there']]],
        expected: ['in OTHER: get, list, watch secrets', 'RoleBinding OTHER/app-admin-there (ClusterRole admin)'],
      },
    ];
    for (const { name, setup, expected } of cases) {
      it(name, async () => {
        for (const [args, cleanup] of setup(home.name, elsewhere.name)) await make(args, cleanup);
        const verdict = await grade({});
        expect(verdict.status, verdict.message).toBe('fail');
        for (const text of expected) expect(verdict.message).toContain(text.replaceAll('OTHER', elsewhere.name).replaceAll('NS', home.name));
        await cleanUp();
      });
    }
  });

  it('judges every service account of a namespace: a bound one by name, the rest through their shared groups', async () => {
    const everyone = { serviceAccounts: { namespace: home.name } };
    expect((await grade({ subject: everyone })).message).toContain(`every service account of ${home.name} holds none`);
    await make(['-n', home.name, 'create', 'rolebinding', 'default-secrets', '--clusterrole=view', '--clusterrole=admin', `--serviceaccount=${home.name}:default`], ['-n', home.name, 'rolebinding', 'default-secrets']);
    const named = await grade({ subject: everyone });
    expect(named.status).toBe('fail');
    expect(named.message).toContain(`ServiceAccount ${home.name}/default may, in ${home.name}: get, list, watch secrets`);
    await cleanUp();
    await make(['-n', home.name, 'create', 'rolebinding', 'group-secrets', '--clusterrole=admin', `--group=system:serviceaccounts`], ['-n', home.name, 'rolebinding', 'group-secrets']);
    const grouped = await grade({ subject: everyone });
    expect(grouped.status).toBe('fail');
    expect(grouped.message).toContain(`every service account of ${home.name} may, in ${home.name}: get, list, watch secrets`);
    await cleanUp();
  });

  it('fails when an allowed power is missing, naming it, and passes once it is granted', async () => {
    const allow: RbacCheck['allow'] = [{ verbs: ['get'], resources: ['services/proxy'], names: ['dashboard'] }];
    const missing = await grade({ allow });
    expect(missing.status).toBe('fail');
    expect(missing.message).toBe(`ServiceAccount ${home.name}/app cannot, in ${home.name}: get services/proxy dashboard, which it needs`);
    await make(['-n', home.name, 'create', 'role', 'proxy-dashboard', '--verb=get', '--resource=services/proxy', '--resource-name=dashboard'], ['-n', home.name, 'role', 'proxy-dashboard']);
    await make(['-n', home.name, 'create', 'rolebinding', 'app-proxy-dashboard', '--role=proxy-dashboard', `--serviceaccount=${home.name}:app`], ['-n', home.name, 'rolebinding', 'app-proxy-dashboard']);
    const granted = await grade({ allow });
    expect(granted.status, granted.message).toBe('pass');
    expect(granted.message).toContain('and keeps in');
    await cleanUp();
  });

  it('excepts one named object granted on purpose (kubeadm: anonymous gets kube-public/cluster-info), and no other grant', async () => {
    // kubeadm's own Role and RoleBinding for bootstrap discovery, as a kind cluster has them.
    const ns = elsewhere.name;
    await make(['-n', ns, 'create', 'role', 'bootstrap-signer-clusterinfo', '--verb=get', '--resource=configmaps', '--resource-name=cluster-info'], ['-n', ns, 'role', 'bootstrap-signer-clusterinfo']);
    await make(['-n', ns, 'create', 'rolebinding', 'bootstrap-signer-clusterinfo', '--role=bootstrap-signer-clusterinfo', '--user=system:anonymous'], ['-n', ns, 'rolebinding', 'bootstrap-signer-clusterinfo']);
    const anonymous = { subject: { user: 'system:anonymous', groups: ['system:unauthenticated'] }, deny: [{ verbs: ['get', 'list', 'watch'], resources: ['configmaps', 'pods'] }] };
    const unexcepted = await grade(anonymous);
    expect(unexcepted.status, unexcepted.message).toBe('fail');
    expect(unexcepted.message).toContain(`in ${ns}: get configmaps cluster-info`);
    const clusterInfo = { verbs: ['get'], resource: 'configmaps', name: 'cluster-info', namespace: ns };
    const excepted = await grade({ ...anonymous, except: [clusterInfo] });
    expect(excepted.status, excepted.message).toBe('pass');
    expect(excepted.message).toContain(`granted on purpose and not judged: get configmaps cluster-info in ${ns}`);
    // The same namespace's other ConfigMaps, and a grant through the group, are not hidden by it.
    await make(['-n', ns, 'create', 'role', 'notice-reader', '--verb=get', '--resource=configmaps', '--resource-name=incident-notice'], ['-n', ns, 'role', 'notice-reader']);
    await make(['-n', ns, 'create', 'rolebinding', 'notice-public', '--role=notice-reader', '--group=system:unauthenticated'], ['-n', ns, 'rolebinding', 'notice-public']);
    const other = await grade({ ...anonymous, except: [clusterInfo] });
    expect(other.status, other.message).toBe('fail');
    expect(other.message).toContain(`get configmaps incident-notice`);
    expect(other.message).toContain('RoleBinding');
    expect(other.message).not.toContain(`get configmaps cluster-info in ${ns}, granted`);
    await cleanUp();
  });

  it('judges a user with groups, and reports a missing namespace as not started', async () => {
    await make(['create', 'clusterrolebinding', `${home.name}-oncall-view`, '--clusterrole=view', '--group=oncall'], ['clusterrolebinding', `${home.name}-oncall-view`]);
    const user = await grade({ subject: { user: 'alice@example.com', groups: ['oncall'] }, deny: ['secrets-read', 'pod-shell'] });
    expect(user.status, user.message).toBe('pass');
    const missing = await runCheck({ id: 'p', title: 'p', kind: 'rbac', role: 'fix', hints, subject: { user: 'u' }, namespaces: ['rbac-never-created'], deny: ['secrets-read'], allow: [], except: [] } as RbacCheck, {
      view: new ClusterView(client),
      scenario: { id: 'rbac-never', dir: '.', namespaces: ['rbac-never-created'] },
    });
    expect(missing.status).toBe('error');
    expect(missing.message).toContain('start the scenario first');
    await cleanUp();
  });
});
