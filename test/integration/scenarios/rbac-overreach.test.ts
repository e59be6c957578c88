import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { GradeReport } from '../../../src/grading/types.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/**
 * rbac-overreach on the test plane. Every check is a SubjectAccessReview or
 * object state, so the plane judges all of them. Beside the grader, cases
 * replay the attack the briefing describes with a real token from
 * TokenRequest, through a kubeconfig of its own as the briefing builds it: the
 * escalation works on the vulnerable start and gets 403 after every accepted
 * fix, while the deploy keeps working.
 */
describeWithPlane('scenario rbac-overreach on the test plane', () => {
  const lab = useScenario('rbac-overreach');
  const fixChecks = ['deployer-cannot-escalate', 'deployer-cannot-reach-secrets', 'deployer-stays-in-storefront'] as const;
  type FixCheck = (typeof fixChecks)[number];
  const guardsPass = { 'deployer-can-deploy': 'pass', 'deployer-account-kept': 'pass', 'storefront-runs': 'pass' } as const;
  const all = (status: 'pass' | 'fail') => Object.fromEntries(fixChecks.map((id) => [id, status]));
  const fixed = { ...all('pass'), ...guardsPass };
  /** Every fix check passes but these; the guards pass. */
  const onlyFailing = (...ids: FixCheck[]) => ({ ...all('pass'), ...Object.fromEntries(ids.map((id) => [id, 'fail'])), ...guardsPass });
  // Cluster-scoped objects a learner (or the attack) creates carry no lab label, so reset leaves them: each case removes its own.
  const learnerClusterObjects = ['clusterrolebinding/ci-pwned', 'clusterrolebinding/deployer-narrow', 'clusterrole/deployer-narrow', 'clusterrole/storefront-editor'];

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rbac-overreach-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => lab.reset());
  afterEach(() => lab.kubectl(['delete', ...learnerClusterObjects, '--ignore-not-found']));

  /** The briefing's attacker kubeconfig: the admin's cluster entry, a fresh deployer token as the only credential. */
  async function stolenToken(): Promise<(args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>> {
    const file = join(dir, `stolen-${Date.now()}`);
    await writeFile(file, (await lab.kubectl(['config', 'view', '--minify', '--raw'])).stdout);
    const token = (await lab.kubectl(['create', 'token', 'deployer', '-n', 'deploy-ci', '--duration=10m'])).stdout.trim();
    await lab.kubectl(['--kubeconfig', file, 'config', 'set-credentials', 'stolen-ci', `--token=${token}`]);
    await lab.kubectl(['--kubeconfig', file, 'config', 'set-context', '--current', '--user=stolen-ci']);
    return async (args) => {
      const result = await lab.kubectl(['--kubeconfig', file, ...args], { reject: false });
      return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
    };
  }
  const escalate = ['create', 'clusterrolebinding', 'ci-pwned', '--clusterrole=cluster-admin', '--serviceaccount=deploy-ci:deployer', '--dry-run=server'];
  const deploy = ['-n', 'storefront', 'set', 'image', 'deployment/storefront', 'web=busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0', '--dry-run=server'];

  /** The token replay: escalation and the payment key refused with 403, the deploy accepted. */
  async function expectAttackStopped(): Promise<void> {
    const kci = await stolenToken();
    const escalation = await kci(escalate);
    expect(escalation.exitCode, escalation.stdout).not.toBe(0);
    expect(escalation.stderr).toContain('clusterrolebindings.rbac.authorization.k8s.io is forbidden');
    const key = await kci(['-n', 'storefront', 'get', 'secret', 'payment-gateway']);
    expect(key.stderr).toContain('secrets "payment-gateway" is forbidden');
    const shipped = await kci(deploy);
    expect(shipped.exitCode, shipped.stderr).toBe(0);
  }

  const createRole = (kind: 'role' | 'clusterrole', name: string, namespace?: string, extra: string[] = []) =>
    lab.kubectl(['create', kind, name, ...(namespace ? ['-n', namespace] : []), '--verb=get,list,watch,patch,update', '--resource=deployments.apps', ...extra]);
  const bindInStorefront = (roleRef: string) => lab.kubectl(['-n', 'storefront', 'create', 'rolebinding', 'storefront-deployer', roleRef, '--serviceaccount=deploy-ci:deployer']);
  const deleteWildcardBinding = () => lab.kubectl(['delete', 'clusterrolebinding', 'ci-deployer']);
  const patchWildcardRole = (path: string, value: unknown) => lab.kubectl(['patch', 'clusterrole', 'ci-deployer', '--type=json', '-p', JSON.stringify([{ op: 'replace', path, value }])]);
  const noErrors = (report: GradeReport) => expect(report.checks.filter((check) => check.status === 'error')).toEqual([]);

  describe('the start and the attack', () => {
    it('starts vulnerable: every fix check fails naming the wildcard binding; the deploy and the shop work', async () => {
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('cluster-wide: impersonate users, groups, uids');
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('granted by ClusterRoleBinding ci-deployer (ClusterRole ci-deployer)');
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('in storefront: escalate, bind, create, update, patch roles.rbac.authorization.k8s.io, clusterroles.rbac.authorization.k8s.io');
      expect(messageOf(report, 'deployer-cannot-reach-secrets')).toContain('ServiceAccount deploy-ci/deployer may, in storefront: get, list, watch secrets');
      expect(messageOf(report, 'deployer-stays-in-storefront')).toContain('ClusterRoleBinding "ci-deployer"');
    });

    it('the stolen token reads the planted payment key and binds itself to cluster-admin', async () => {
      const flags = await lab.start();
      const kci = await stolenToken();
      expect((await kci(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).stdout).toBe('system:serviceaccount:deploy-ci:deployer');
      const key = await kci(['-n', 'storefront', 'get', 'secret', 'payment-gateway', '-o', 'jsonpath={.data.api-key}']);
      expect(Buffer.from(key.stdout, 'base64').toString()).toBe(flags.get('payment-key'));
      expect(flags.get('payment-key')).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);
      expect((await kci(['auth', 'can-i', 'create', 'validatingwebhookconfigurations.admissionregistration.k8s.io'])).stdout.trim()).toBe('no');
      const escalation = await kci(escalate);
      expect(escalation.stdout).toContain('clusterrolebinding.rbac.authorization.k8s.io/ci-pwned created (server dry run)');
    });
  });

  describe('correct fixes written differently pass, and the stolen token gets 403 while the deploy ships', () => {
    it('the reference solution: a Role in storefront, the wildcard ClusterRole and its binding deleted', async () => {
      await lab.solve();
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'deployer-cannot-escalate')).toMatch(/^ServiceAccount deploy-ci\/deployer holds none of escalation, wildcards/);
      await expectAttackStopped();
    });

    it('kubectl create role + rolebinding and the ClusterRoleBinding deleted (the unbound ClusterRole may stay)', async () => {
      await createRole('role', 'storefront-deployer', 'storefront');
      await bindInStorefront('--role=storefront-deployer');
      await deleteWildcardBinding();
      expectStatuses(await lab.grade(), fixed);
      await expectAttackStopped();
    });

    it('a narrow ClusterRole granted in storefront only, through a RoleBinding', async () => {
      await createRole('clusterrole', 'deployer-narrow');
      await bindInStorefront('--clusterrole=deployer-narrow');
      await deleteWildcardBinding();
      expectStatuses(await lab.grade(), fixed);
    });

    it('ci-deployer itself narrowed to deployments, its ClusterRoleBinding swapped for a RoleBinding', async () => {
      await patchWildcardRole('/rules', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'patch'] }]);
      await bindInStorefront('--clusterrole=ci-deployer');
      await deleteWildcardBinding();
      expectStatuses(await lab.grade(), fixed);
      await expectAttackStopped();
    });

    it('a Role limited to the one Deployment by resourceNames', async () => {
      await createRole('role', 'storefront-deployer', 'storefront', ['--resource-name=storefront']);
      await bindInStorefront('--role=storefront-deployer');
      await deleteWildcardBinding();
      expectStatuses(await lab.grade(), fixed);
      await expectAttackStopped();
    });
  });

  describe('wrong fixes fail, naming the binding that still grants the power', () => {
    it('the attack really ran: the fixed role is not enough while ci-pwned binds cluster-admin', async () => {
      const kci = await stolenToken();
      expect((await kci(escalate.filter((arg) => arg !== '--dry-run=server'))).exitCode).toBe(0);
      await lab.solve();
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('granted by ClusterRoleBinding ci-pwned (ClusterRole cluster-admin)');
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('your own binding (ci-pwned)');
    });

    it('a RoleBinding in storefront to the wildcard ClusterRole: Secrets, exec and RBAC stay open there', async () => {
      await bindInStorefront('--clusterrole=ci-deployer');
      await deleteWildcardBinding();
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('deployer-cannot-escalate', 'deployer-cannot-reach-secrets'));
      expect(messageOf(report, 'deployer-cannot-reach-secrets')).toContain('in storefront: get, list, watch secrets');
      expect(messageOf(report, 'deployer-cannot-reach-secrets')).toContain('granted by RoleBinding storefront/storefront-deployer (ClusterRole ci-deployer)');
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('create, update, patch rolebindings.rbac.authorization.k8s.io');
    });

    it('an aggregated ClusterRole that pulls in edit: it still reads the payment key and execs into pods', async () => {
      await lab.apply(
        stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'storefront-editor' },
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }] },
        }),
      );
      await bindInStorefront('--clusterrole=storefront-editor');
      await deleteWildcardBinding();
      // The aggregation controller fills the rules in asynchronously.
      await expect.poll(async () => (await lab.kubectl(['get', 'clusterrole', 'storefront-editor', '-o', 'jsonpath={.rules[*].resources}'])).stdout, { timeout: 20_000 }).toContain('secrets');
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('deployer-cannot-escalate', 'deployer-cannot-reach-secrets'));
      expect(messageOf(report, 'deployer-cannot-reach-secrets')).toMatch(/in storefront: .*secrets.*create pods\/exec.*granted by RoleBinding storefront\/storefront-deployer \(ClusterRole storefront-editor\)/);
      expect(messageOf(report, 'deployer-cannot-reach-secrets')).toContain('Roles that aggregate edit or admin');
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('impersonate serviceaccounts');
    });

    it('dropping only the RBAC group from the wildcard role: Secrets, exec, pods, tokens and impersonation stay cluster-wide', async () => {
      await patchWildcardRole('/rules/0/apiGroups', ['', 'apps', 'batch']);
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('create serviceaccounts/token');
      expect(messageOf(report, 'deployer-cannot-escalate')).not.toContain('rolebindings');
    });

    it('spelling the wildcard verbs out (get ... delete): create still writes bindings, reads Secrets and execs', async () => {
      await patchWildcardRole('/rules/0/verbs', ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('create, update, patch rolebindings.rbac.authorization.k8s.io, clusterrolebindings.rbac.authorization.k8s.io');
      expect(messageOf(report, 'deployer-cannot-escalate')).not.toContain('a "*" verb');
    });

    it('a namespaced Role in storefront that is itself all wildcards', async () => {
      await lab.apply(stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'storefront-all', namespace: 'storefront' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }));
      await bindInStorefront('--role=storefront-all');
      await deleteWildcardBinding();
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('deployer-cannot-escalate', 'deployer-cannot-reach-secrets'));
      expect(messageOf(report, 'deployer-cannot-escalate')).toContain('any verb on any resource (a "*" rule)');
      expect(messageOf(report, 'deployer-cannot-reach-secrets')).toContain('granted by RoleBinding storefront/storefront-deployer (Role storefront-all)');
    });

    it('a narrow ClusterRole bound cluster-wide: the token still rewrites every Deployment, kube-system included', async () => {
      await createRole('clusterrole', 'deployer-narrow');
      await lab.kubectl(['create', 'clusterrolebinding', 'deployer-narrow', '--clusterrole=deployer-narrow', '--serviceaccount=deploy-ci:deployer']);
      await deleteWildcardBinding();
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('deployer-stays-in-storefront'));
      expect(messageOf(report, 'deployer-stays-in-storefront')).toContain('ClusterRoleBinding "deployer-narrow"');
      expect(messageOf(report, 'deployer-stays-in-storefront')).toContain('bind it with a RoleBinding in storefront');
    });

    it('the Role grants one extra shortcut (a Job to run migrations): creating a pod controller is reading every Secret', async () => {
      await lab.apply(
        stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'storefront-deployer', namespace: 'storefront' },
          rules: [
            { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'patch'] },
            { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] },
          ],
        }),
      );
      await bindInStorefront('--role=storefront-deployer');
      await deleteWildcardBinding();
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('deployer-cannot-reach-secrets'));
      expect(messageOf(report, 'deployer-cannot-reach-secrets')).toContain('in storefront: create jobs.batch, granted by RoleBinding storefront/storefront-deployer (Role storefront-deployer)');
    });
  });

  describe('cheats fail the guards', () => {
    it('deleting the service account with its binding: the deploy breaks, and the guard says deleting revokes nothing', async () => {
      await deleteWildcardBinding();
      await lab.kubectl(['-n', 'deploy-ci', 'delete', 'serviceaccount', 'deployer']);
      const report = await lab.grade();
      expectStatuses(report, { ...all('pass'), 'deployer-can-deploy': 'fail', 'deployer-account-kept': 'fail', 'storefront-runs': 'pass' });
      expect(messageOf(report, 'deployer-account-kept')).toContain('ServiceAccount deploy-ci/deployer does not exist');
      expect(messageOf(report, 'deployer-account-kept')).toContain('RBAC binds by name');
      expect(messageOf(report, 'deployer-can-deploy')).toContain('cannot, in storefront: get, patch, list, watch deployments.apps storefront');
      expect(report.status).toBe('fail');
    });

    it('deleting the service account but keeping the binding: a new account of that name inherits everything', async () => {
      await lab.kubectl(['-n', 'deploy-ci', 'delete', 'serviceaccount', 'deployer']);
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), 'deployer-can-deploy': 'pass', 'deployer-account-kept': 'fail', 'storefront-runs': 'pass' });
    });

    it('taking every permission away: the attack stops and the release train with it', async () => {
      await deleteWildcardBinding();
      const report = await lab.grade();
      expectStatuses(report, { ...all('pass'), 'deployer-can-deploy': 'fail', 'deployer-account-kept': 'pass', 'storefront-runs': 'pass' });
      expect(messageOf(report, 'deployer-can-deploy')).toContain('grant exactly what the deploy needs');
    });

    it('scaling the storefront to zero along with the fix', async () => {
      await lab.solve();
      await lab.kubectl(['-n', 'storefront', 'scale', 'deployment', 'storefront', '--replicas=0']);
      const report = await lab.grade();
      expectStatuses(report, { ...all('pass'), ...guardsPass, 'storefront-runs': 'fail' });
      expect(messageOf(report, 'storefront-runs')).toContain('Deleting the shop or scaling it to zero is not a fix');
    });

    it('deleting the storefront namespace is a cheat, not "start it first"', async () => {
      await lab.solve();
      await lab.kubectl(['delete', 'namespace', 'storefront', '--wait=false']);
      const report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'storefront-runs')?.status).toBe('fail');
      expect(messageOf(report, 'storefront-runs')).toContain('deleting namespace storefront is not a fix');
      noErrors(report);
    });
  });

  it('grades warm in a bounded number of requests (the time is printed: the target is 300 ms on an idle machine)', async () => {
    await lab.grade();
    const report = await lab.grade();
    expect(report.requests).toBeLessThan(100);
    console.log(`rbac-overreach check: ${report.durationMs} ms, ${report.requests} requests`);
  });
});
