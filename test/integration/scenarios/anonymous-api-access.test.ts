import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GradeReport } from '../../../src/grading/types.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/**
 * anonymous-api-access on the test plane. The plane's API server runs with
 * anonymous authentication on (the default) and the bootstrap binding of
 * system:public-info-viewer, so every check is judged here: the access
 * reviews by its authorizer, the attack and the health endpoints by real
 * requests with no credentials at all.
 */
describeWithPlane('scenario anonymous-api-access on the test plane', () => {
  const lab = useScenario('anonymous-api-access');
  const fixChecks = ['anonymous-reads-nothing', 'anonymous-cannot-list-pods', 'anonymous-cannot-read-settings'] as const;
  type FixCheck = (typeof fixChecks)[number];
  const healthGuards = { 'readyz-stays-public': 'pass', 'livez-stays-public': 'pass', 'healthz-stays-public': 'pass' } as const;
  const guardsPass = { ...healthGuards, 'logged-in-identities-not-widened': 'pass', 'status-page-runs': 'pass' } as const;
  const all = (status: 'pass' | 'fail') => Object.fromEntries(fixChecks.map((id) => [id, status]));
  const fixed = { ...all('pass'), ...guardsPass };
  const onlyFailing = (...ids: string[]) => ({ ...fixed, ...Object.fromEntries(ids.map((id) => [id, 'fail'])) });
  const noErrorOrSkip = (report: GradeReport) => expect(report.checks.filter((check) => check.status === 'error' || check.status === 'skipped').map((check) => `${check.id}: ${check.message}`)).toEqual([]);

  // Objects a learner creates outside the scenario's namespaces carry no lab label, so reset leaves them: each case removes its own.
  const learnerObjects = [
    ['clusterrolebinding', 'anonymous-view'],
    ['-n', 'default', 'rolebinding', 'status-page-public'],
    ['-n', 'kube-public', 'rolebinding', 'kubeadm:bootstrap-signer-clusterinfo'],
    ['-n', 'kube-public', 'role', 'kubeadm:bootstrap-signer-clusterinfo'],
    ['-n', 'kube-public', 'rolebinding', 'public-notice'],
  ];
  beforeEach(() => lab.reset());
  afterEach(async () => {
    for (const object of learnerObjects) await lab.kubectl(['delete', '--ignore-not-found', ...object]);
  });

  const patchBinding = (patch: unknown[]) => lab.kubectl(['patch', 'clusterrolebinding', 'status-page-public', '--type=json', '-p', JSON.stringify(patch)]);
  const deletePublicBinding = () => lab.kubectl(['delete', 'clusterrolebinding', 'status-page-public']);
  /** kubeadm's own grant for node bootstrap discovery, as every kind cluster has it. */
  const kubeadmClusterInfo = async () => {
    await lab.kubectl(['-n', 'kube-public', 'create', 'role', 'kubeadm:bootstrap-signer-clusterinfo', '--verb=get', '--resource=configmaps', '--resource-name=cluster-info']);
    await lab.kubectl(['-n', 'kube-public', 'create', 'rolebinding', 'kubeadm:bootstrap-signer-clusterinfo', '--role=kubeadm:bootstrap-signer-clusterinfo', '--user=system:anonymous']);
  };

  describe('the start and the attack', () => {
    it('starts vulnerable: every fix check fails naming the binding, every guard passes, nothing is skipped', async () => {
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      noErrorOrSkip(report);
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('status-page-public');
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('user system:anonymous may, in webshop: get, list, watch pods, configmaps, deployments.apps; in status-page: get, list, watch pods, configmaps, deployments.apps, granted by ClusterRoleBinding status-page-public (ClusterRole status-page-reader)');
      expect(messageOf(report, 'anonymous-cannot-list-pods')).toContain('GET /api/v1/pods with no credentials is answered 200; expected status 401 or 403');
      expect(messageOf(report, 'anonymous-cannot-read-settings')).toContain('is answered 200');
    });

    it('the attack reads the planted token with no credentials, and is refused once fixed', async () => {
      const flags = await lab.reset();
      const settings = { method: 'GET', path: '/api/v1/namespaces/webshop/configmaps/storefront-settings', credentials: 'none' } as const;
      const before = await lab.client.rawRequest(settings);
      expect(before.status).toBe(200);
      expect(before.body).toContain(flags.get('support-token')!);
      expect(before.body).toContain('FAKE-k8s-sec-lab-db-password');
      await lab.solve();
      const after = await lab.client.rawRequest(settings);
      expect(after.status).toBe(403);
      expect(after.body).not.toContain(flags.get('support-token')!);
    });
  });

  describe('correct fixes pass', () => {
    it('the reference solution: binding and role gone, the status page on its own ServiceAccount', async () => {
      await lab.solve();
      const report = await lab.grade();
      expectStatuses(report, fixed);
      noErrorOrSkip(report);
    });

    it('only the ClusterRoleBinding deleted, the role kept', async () => {
      await deletePublicBinding();
      expectStatuses(await lab.grade(), fixed);
    });

    it("the binding's subjects replaced by the status page's ServiceAccount", async () => {
      await patchBinding([{ op: 'replace', path: '/subjects', value: [{ kind: 'ServiceAccount', name: 'status-page', namespace: 'status-page' }] }]);
      expectStatuses(await lab.grade(), fixed);
    });

    it("the role's rules emptied", async () => {
      await lab.kubectl(['patch', 'clusterrole', 'status-page-reader', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/rules', value: [] }])]);
      expectStatuses(await lab.grade(), fixed);
    });

    it("on a kubeadm cluster: kubeadm's own anonymous get of kube-public/cluster-info is granted on purpose and named, not judged", async () => {
      await kubeadmClusterInfo();
      await lab.solve();
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted on purpose and not judged: get configmaps cluster-info in kube-public');
    });
  });

  describe('wrong fixes fail, saying what is still wrong', () => {
    it('only the User removed: the Group still lets every request without credentials in', async () => {
      await patchBinding([{ op: 'remove', path: '/subjects/0' }]);
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted by ClusterRoleBinding status-page-public (ClusterRole status-page-reader)');
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('A binding to either system:anonymous or system:unauthenticated lets every request');
    });

    it('only the Group removed: the User still does', async () => {
      await patchBinding([{ op: 'remove', path: '/subjects/1' }]);
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('user system:anonymous may, in webshop: get, list, watch');
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted by ClusterRoleBinding status-page-public');
    });

    it('the grant moved into a RoleBinding in webshop: the cluster-wide list is refused, the shop stays open', async () => {
      await lab.kubectl(['-n', 'webshop', 'create', 'rolebinding', 'status-page-public', '--clusterrole=status-page-reader', '--user=system:anonymous', '--group=system:unauthenticated']);
      await deletePublicBinding();
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('anonymous-reads-nothing', 'anonymous-cannot-read-settings'));
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted by RoleBinding webshop/status-page-public (ClusterRole status-page-reader)');
    });

    it('the grant moved to a namespace the scenario does not own (default): "any namespace" still fails', async () => {
      await lab.kubectl(['-n', 'default', 'create', 'rolebinding', 'status-page-public', '--clusterrole=status-page-reader', '--group=system:unauthenticated']);
      await deletePublicBinding();
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('anonymous-reads-nothing'));
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('in default: get, list, watch');
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted by RoleBinding default/status-page-public');
    });

    it('anonymous bound to the built-in view instead: still reads everything', async () => {
      await lab.kubectl(['create', 'clusterrolebinding', 'anonymous-view', '--clusterrole=view', '--user=system:anonymous']);
      await deletePublicBinding();
      const report = await lab.grade();
      expectStatuses(report, { ...all('fail'), ...guardsPass });
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted by ClusterRoleBinding anonymous-view (ClusterRole view)');
    });

    it('system:authenticated bound instead: every pod token reads the shop', async () => {
      await patchBinding([{ op: 'replace', path: '/subjects', value: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }] }]);
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('logged-in-identities-not-widened'));
      expect(messageOf(report, 'logged-in-identities-not-widened')).toContain('user k8s-sec-lab-any-user may, in webshop: get, list, watch');
      expect(messageOf(report, 'logged-in-identities-not-widened')).toContain('granted by ClusterRoleBinding status-page-public');
      expect(messageOf(report, 'logged-in-identities-not-widened')).toContain('C-0265');
    });

    it('the status page deleted with the binding', async () => {
      await deletePublicBinding();
      await lab.kubectl(['-n', 'status-page', 'delete', 'deployment', 'status-page']);
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('status-page-runs'));
      expect(messageOf(report, 'status-page-runs')).toContain('not a fix');
    });

    it("an except hides only kubeadm's one object: another anonymous grant in kube-public fails", async () => {
      await kubeadmClusterInfo();
      await lab.kubectl(['-n', 'kube-public', 'create', 'rolebinding', 'public-notice', '--clusterrole=view', '--group=system:unauthenticated']);
      await lab.solve();
      const report = await lab.grade();
      expectStatuses(report, onlyFailing('anonymous-reads-nothing'));
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('in kube-public: get, list, watch');
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted by RoleBinding kube-public/public-notice (ClusterRole view)');
      expect(messageOf(report, 'anonymous-reads-nothing')).toContain('granted on purpose and not judged: get configmaps cluster-info in kube-public');
    });

    it('system:public-info-viewer unbound with the binding: the health endpoints answer 403', async () => {
      const saved = JSON.parse((await lab.kubectl(['get', 'clusterrolebinding', 'system:public-info-viewer', '-o', 'json'])).stdout) as { metadata: Record<string, unknown> };
      for (const field of ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields']) delete saved.metadata[field];
      await deletePublicBinding();
      await lab.kubectl(['delete', 'clusterrolebinding', 'system:public-info-viewer']);
      try {
        const report = await lab.grade();
        expectStatuses(report, { ...all('pass'), ...Object.fromEntries(Object.keys(healthGuards).map((id) => [id, 'fail'])), 'logged-in-identities-not-widened': 'pass', 'status-page-runs': 'pass' });
        expect(messageOf(report, 'readyz-stays-public')).toContain('GET /readyz with no credentials is answered 403');
        expect(messageOf(report, 'readyz-stays-public')).toContain('anonymous.conditions');
      } finally {
        await lab.apply(JSON.stringify(saved));
      }
    });
  });
});
