import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { GradeReport } from '../../../src/grading/types.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/**
 * kubectl-proxy-vs-port-forward on the test plane. The attack replay (wget from
 * the build runner), the dashboard's own answer and the learner's port-forward
 * need a container runtime and are proven on kind; here they must report
 * `skipped`. Everything else is judged by the real API server: the proxy's
 * Deployment as stored, and SubjectAccessReviews for its service account.
 */
describeWithPlane('scenario kubectl-proxy-vs-port-forward on the test plane', () => {
  const lab = useScenario('kubectl-proxy-vs-port-forward');
  const skipped = { 'attack-replay-fails': 'skipped', 'port-forward-reaches-dashboard': 'skipped', 'dashboard-answers': 'skipped' } as const;
  const guardsPass = { 'dashboard-runs': 'pass', 'dashboard-service-kept': 'pass' } as const;
  const fixed = { 'no-open-proxy': 'pass', 'proxy-account-cannot-read-secrets': 'pass', ...skipped, ...guardsPass } as const;

  beforeEach(() => lab.reset());
  beforeAll(async () => {
    // ClusterRoles the cases bind; cluster-scoped and unlabelled, so reset keeps them.
    await lab.kubectl(['create', 'clusterrole', 'k8s-sec-lab-test-impersonate', '--verb=impersonate', '--resource=users,groups', '--dry-run=client', '-o', 'yaml']).then((out) => lab.apply(out.stdout));
    await lab.kubectl(['create', 'clusterrole', 'k8s-sec-lab-test-pod-reader', '--verb=get,list,watch', '--resource=pods,services,events', '--dry-run=client', '-o', 'yaml']).then((out) => lab.apply(out.stdout));
    await lab.kubectl(['create', 'clusterrole', 'k8s-sec-lab-test-dashboard-proxy', '--verb=get', '--resource=services/proxy', '--resource-name=dashboard', '--dry-run=client', '-o', 'yaml']).then((out) => lab.apply(out.stdout));
  });

  /** Patches the jump box's args and waits for the rollout: until the old pods are gone, they still run the old proxy. */
  const setProxyArgs = async (args: string[]) => {
    await lab.kubectl(['-n', 'ops', 'patch', 'deployment', 'jump-box', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/args', value: args }])]);
    await rolledOut('deployment/jump-box');
  };
  const rolledOut = async (workload: string) => {
    await lab.kubectl(['-n', 'ops', 'rollout', 'status', workload, '--timeout=60s']);
    // The replaced pods terminate a moment after the rollout reports success.
    await expect.poll(async () => (await lab.kubectl(['-n', 'ops', 'get', 'pods', '-o', 'jsonpath={.items[?(@.metadata.deletionTimestamp)].metadata.name}'])).stdout, { timeout: 30_000 }).toBe('');
  };
  const deleteClusterAdminBinding = () => lab.kubectl(['delete', 'clusterrolebinding', 'jump-box-cluster-admin']);
  /** `kubectl auth can-i` in ops; its exit code is 1 for "no", so it must not reject. */
  const canI = async (args: string[], as: string[]) => (await lab.kubectl(['auth', 'can-i', ...args, '-n', 'ops', ...as], { reject: false })).stdout.trim();

  it('starts vulnerable: an open proxy whose identity is cluster-admin; the dashboard works', async () => {
    const report = await lab.grade();
    expectStatuses(report, { 'no-open-proxy': 'fail', 'proxy-account-cannot-read-secrets': 'fail', ...skipped, ...guardsPass });
    expect(messageOf(report, 'no-open-proxy')).toMatch(/^Pod ops\/jump-box-\S+, container "kubectl-proxy" runs `kubectl proxy --port=8001 --address=0.0.0.0 '--accept-hosts=\.\*'`: listen is "network", expected loopback only/);
    expect(messageOf(report, 'no-open-proxy')).toContain('hostFilterWidened is true, expected no --accept-hosts beyond the default');
    expect(messageOf(report, 'proxy-account-cannot-read-secrets')).toContain('ServiceAccount ops/jump-box may, in ops: get, list, watch secrets');
    expect(messageOf(report, 'proxy-account-cannot-read-secrets')).toContain('granted by ClusterRoleBinding jump-box-cluster-admin (ClusterRole cluster-admin)');
    // The run token the dashboard serves exists where the local probe will look for it.
    const token = await lab.kubectl(['-n', 'ops', 'get', 'secret', 'k8s-sec-lab-run', '-o', 'jsonpath={.data.token}']);
    expect(Buffer.from(token.stdout, 'base64').toString()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('passes with the reference solution, whose Role lets the on-call group port-forward in ops and nothing more', async () => {
    await lab.solve();
    const report = await lab.grade();
    expectStatuses(report, fixed);
    expect(messageOf(report, 'no-open-proxy')).toMatch(/are as expected; 0 of them run kubectl proxy, as expected$/);
    const oncall = ['--as=alice@example.com', '--as-group=ops-oncall'];
    expect(await canI(['create', 'pods', '--subresource=portforward'], oncall)).toBe('yes');
    expect(await canI(['get', 'pods', '--subresource=portforward'], oncall)).toBe('yes');
    expect(await canI(['get', 'service/dashboard'], oncall)).toBe('yes');
    expect(await canI(['list', 'secrets'], oncall)).toBe('no');
    expect(await canI(['create', 'pods', '--subresource=exec'], oncall)).toBe('no');
  });

  it('passes when the learner deletes the proxy, its Service and its binding with kubectl', async () => {
    await lab.kubectl(['-n', 'ops', 'delete', 'deployment,service', 'jump-box']);
    await deleteClusterAdminBinding();
    expectStatuses(await lab.grade(), fixed);
  });

  it('passes with the jump box kept but tamed: proxy on loopback with the default filter, and a service account that can only reach the dashboard', async () => {
    await setProxyArgs(['proxy', '--port=8001', '--address=127.0.0.1']);
    await deleteClusterAdminBinding();
    await lab.apply(
      [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'dashboard-proxy', namespace: 'ops' }, rules: [{ apiGroups: [''], resources: ['services/proxy'], resourceNames: ['dashboard', 'dashboard:http'], verbs: ['get'] }] },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'jump-box-dashboard-proxy', namespace: 'ops' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'dashboard-proxy' },
          subjects: [{ kind: 'ServiceAccount', name: 'jump-box', namespace: 'ops' }],
        },
      ]
        .map((object) => stringify(object))
        .join('---\n'),
    );
    const report = await lab.grade();
    expectStatuses(report, fixed);
    expect(messageOf(report, 'no-open-proxy')).toMatch(/are as expected; [1-9]\d* of them run kubectl proxy, as expected$/);
  });

  it('fails binding the proxy to 127.0.0.1 while keeping cluster-admin, and names the binding', async () => {
    await setProxyArgs(['proxy', '--port=8001', '--address=127.0.0.1']);
    const report = await lab.grade();
    expectStatuses(report, { 'no-open-proxy': 'pass', 'proxy-account-cannot-read-secrets': 'fail', ...skipped, ...guardsPass });
    expect(messageOf(report, 'proxy-account-cannot-read-secrets')).toContain('granted by ClusterRoleBinding jump-box-cluster-admin');
    expect(messageOf(report, 'proxy-account-cannot-read-secrets')).toContain('The binding outlives the proxy');
  });

  it('fails removing cluster-admin while the proxy still accepts any Host on 0.0.0.0, in any spelling of the flags', async () => {
    await deleteClusterAdminBinding();
    const spellings: [string[], string][] = [
      [['proxy', '--port=8001', '--address=0.0.0.0', '--accept-hosts=.*'], 'listen is "network"'],
      [['proxy', '--port=8001', '--accept-hosts=^.*$'], 'hostFilterWidened is true'],
      [['proxy', '--port=8001', '--address', '0.0.0.0'], 'listen is "network"'],
      [['proxy', '--port=8001', '--disable-filter=true'], 'filterDisabled is true'],
    ];
    for (const [args, gap] of spellings) {
      await setProxyArgs(args);
      const report = await lab.grade();
      expectStatuses(report, { 'no-open-proxy': 'fail', 'proxy-account-cannot-read-secrets': 'pass', ...skipped, ...guardsPass });
      expect(messageOf(report, 'no-open-proxy')).toContain(gap);
      expect(messageOf(report, 'no-open-proxy')).toContain("Taking power away from the proxy's account is not enough");
    }
  });

  it('fails deleting only the Service: the proxy still listens on the pod IP as cluster-admin', async () => {
    await lab.kubectl(['-n', 'ops', 'delete', 'service', 'jump-box']);
    const report = await lab.grade();
    expectStatuses(report, { 'no-open-proxy': 'fail', 'proxy-account-cannot-read-secrets': 'fail', ...skipped, ...guardsPass });
    expect(messageOf(report, 'no-open-proxy')).toContain('--address=0.0.0.0');
  });

  it('fails swapping the ClusterRoleBinding for a RoleBinding that still reads Secrets in ops, and names the RoleBinding', async () => {
    await setProxyArgs(['proxy', '--port=8001']);
    await deleteClusterAdminBinding();
    await lab.kubectl(['-n', 'ops', 'create', 'role', 'ops-reader', '--verb=get,list,watch', '--resource=pods,services,secrets']);
    await lab.kubectl(['-n', 'ops', 'create', 'rolebinding', 'jump-box-ops-reader', '--role=ops-reader', '--serviceaccount=ops:jump-box']);
    const report = await lab.grade();
    expectStatuses(report, { 'no-open-proxy': 'pass', 'proxy-account-cannot-read-secrets': 'fail', ...skipped, ...guardsPass });
    expect(messageOf(report, 'proxy-account-cannot-read-secrets')).toContain('get, list, watch secrets, granted by RoleBinding ops/jump-box-ops-reader (Role ops-reader)');
  });

  /** Deletes the cluster-admin binding, then grants each power in turn through a Role (or ClusterRole) and a binding, grades, and takes it back. */
  const gradeEachGrant = async (grants: { name: string; rules?: object[]; clusterRole?: string; subject?: object; roleBinding?: boolean; expected: string }[]) => {
    await setProxyArgs(['proxy', '--port=8001']);
    await deleteClusterAdminBinding();
    const sa = { kind: 'ServiceAccount', name: 'jump-box', namespace: 'ops' };
    for (const grant of grants) {
      const role = grant.clusterRole ?? grant.name;
      const binding = grant.roleBinding === false
        ? { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `jump-box-${grant.name}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [grant.subject ?? sa] }
        : { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `jump-box-${grant.name}`, namespace: 'ops' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: grant.clusterRole ? 'ClusterRole' : 'Role', name: role }, subjects: [grant.subject ?? sa] };
      const objects = [...(grant.rules ? [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: grant.name, namespace: 'ops' }, rules: grant.rules }] : []), binding];
      await lab.apply(objects.map((object) => stringify(object)).join('---\n'));
      const report = await lab.grade();
      expectStatuses(report, { 'no-open-proxy': 'pass', 'proxy-account-cannot-read-secrets': 'fail', ...skipped, ...guardsPass });
      expect(messageOf(report, 'proxy-account-cannot-read-secrets'), grant.name).toContain(grant.expected);
      await lab.kubectl(['delete', '-f', '-'], { input: objects.map((object) => stringify(object)).join('---\n') });
    }
  };

  it('fails an account trimmed to one verb or one resource that still leads to every Secret, naming the power and the binding', async () => {
    await gradeEachGrant([
      // "cannot list secrets" holds, but get is what an attacker who knows (or guesses) a name uses.
      { name: 'get-secrets', rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], expected: 'in ops: get secrets, granted by RoleBinding ops/jump-box-get-secrets (Role get-secrets)' },
      { name: 'watch-secrets', rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['watch'] }], expected: 'in ops: watch secrets' },
      { name: 'one-secret', rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['deploy-bot-token'], verbs: ['get'] }], expected: 'get secrets' },
    ]);
  });

  it('fails an account that can start or change pods, which can mount any Secret and run as any account', async () => {
    await gradeEachGrant([
      { name: 'create-pods', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], expected: 'in ops: create pods, granted by RoleBinding ops/jump-box-create-pods' },
      { name: 'create-cronjobs', rules: [{ apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['create'] }], expected: 'create cronjobs.batch' },
      { name: 'patch-deployments', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }], expected: 'patch deployments.apps' },
      { name: 'edit', clusterRole: 'edit', expected: 'granted by RoleBinding ops/jump-box-edit (ClusterRole edit)' },
    ]);
  });

  it('fails an account that can open a shell in a pod, impersonate, escalate or use a wildcard', async () => {
    await gradeEachGrant([
      { name: 'exec', rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], expected: 'create pods/exec' },
      { name: 'debug', rules: [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }], expected: 'patch pods/ephemeralcontainers' },
      { name: 'impersonate', clusterRole: 'k8s-sec-lab-test-impersonate', roleBinding: false, expected: 'cluster-wide: impersonate users' },
      { name: 'bind', rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }], expected: 'bind clusterroles.rbac.authorization.k8s.io' },
      { name: 'anything', rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], expected: 'any verb on any resource (a "*" rule)' },
    ]);
  });

  it('fails moving the proxy to another account of ops that keeps the power, or granting it to every account there', async () => {
    await gradeEachGrant([
      { name: 'default-admin', clusterRole: 'cluster-admin', roleBinding: false, subject: { kind: 'ServiceAccount', name: 'default', namespace: 'ops' }, expected: 'ServiceAccount ops/default may, in ops: get, list, watch secrets' },
      { name: 'all-accounts', clusterRole: 'admin', subject: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts:ops' }, expected: 'every service account of ops may, in ops: get, list, watch secrets' },
      { name: 'user-spelling', clusterRole: 'admin', subject: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:ops:proxy' }, expected: 'ServiceAccount ops/proxy may, in ops: get, list, watch secrets' },
    ]);
  });

  it('passes an account left with powers that lead to no Secret: view in ops, reading pods and services cluster-wide, the dashboard proxy only', async () => {
    await setProxyArgs(['proxy', '--port=8001']);
    await deleteClusterAdminBinding();
    const alternatives = [
      ['-n', 'ops', 'create', 'rolebinding', 'jump-box-view', '--clusterrole=view', '--serviceaccount=ops:jump-box'],
      ['create', 'clusterrolebinding', 'jump-box-cluster-reader', '--clusterrole=k8s-sec-lab-test-pod-reader', '--serviceaccount=ops:jump-box'],
      ['-n', 'ops', 'create', 'rolebinding', 'jump-box-portforward', '--clusterrole=k8s-sec-lab-test-dashboard-proxy', '--serviceaccount=ops:jump-box'],
    ];
    for (const args of alternatives) {
      await lab.kubectl(args);
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'proxy-account-cannot-read-secrets')).toContain('holds none of secrets-read, workload-create');
    }
  });

  it('fails deleting the attacker\'s namespace ci, or ops itself: the scenario is started, so that is a cheat, not "start it first"', async () => {
    await lab.kubectl(['delete', 'namespace', 'ci', '--wait=false']);
    let report = await lab.grade();
    expectStatuses(report, { 'attack-replay-fails': 'fail', 'proxy-account-cannot-read-secrets': 'fail' });
    expect(messageOf(report, 'attack-replay-fails')).toContain('namespace "ci" is gone, but the scenario is started: deleting namespace ci is not a fix');
    expect(report.checks.filter((check) => check.status === 'error')).toEqual([]);
    await lab.kubectl(['delete', 'namespace', 'ops', '--wait=false']);
    report = await lab.grade();
    expectStatuses(report, { 'proxy-account-cannot-read-secrets': 'fail', 'dashboard-runs': 'fail', 'dashboard-service-kept': 'fail', 'dashboard-answers': 'fail' });
    expect(messageOf(report, 'dashboard-runs')).toContain('deleting namespace ops is not a fix');
    expect(report.checks.filter((check) => check.status === 'error')).toEqual([]);
  });

  it('fails deleting the dashboard along with the proxy: the guards say the app is gone and must stay', async () => {
    await lab.kubectl(['-n', 'ops', 'delete', 'deployment,service', 'jump-box', 'dashboard']);
    await deleteClusterAdminBinding();
    const report: GradeReport = await lab.grade();
    expectStatuses(report, { 'no-open-proxy': 'pass', 'proxy-account-cannot-read-secrets': 'pass', ...skipped, 'dashboard-runs': 'fail', 'dashboard-service-kept': 'fail' });
    expect(messageOf(report, 'dashboard-runs')).toContain('Deployment ops/dashboard does not exist');
    expect(messageOf(report, 'dashboard-runs')).toContain('remove the proxy, not the app');
    expect(messageOf(report, 'dashboard-service-kept')).toContain('Service ops/dashboard does not exist');
    expect(report.status).toBe('fail');
  });
});

/**
 * no-open-proxy judges every container of every pod and pod template in ops
 * and ci by what kubectl makes of its argv: the classes of issue 12.
 */
describeWithPlane('kubectl-proxy-vs-port-forward: no workload runs an open kubectl proxy, however it is written', () => {
  const lab = useScenario('kubectl-proxy-vs-port-forward');
  beforeEach(() => lab.reset());

  const kubectlImage = 'registry.k8s.io/kubectl:v1.34.0@sha256:497d298f891edb7608dfce9dae4bb08dffc4ddcd7f5d24a0512d4bbf33e04f26';
  const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
  const proxy = (fields: Record<string, unknown>) => ({ name: 'kubectl-proxy', image: kubectlImage, env: [{ name: 'HOME', value: '/tmp' }], securityContext: hardened, ...fields });
  const podSpec = (containers: object[], extra: Record<string, unknown> = {}) => ({
    serviceAccountName: 'jump-box',
    enableServiceLinks: false,
    securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers,
    ...extra,
  });
  const deployment = (name: string, spec: object, namespace = 'ops') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
  });
  const podIp = { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };
  const loopbackProxy = proxy({ command: ['/bin/kubectl', 'proxy', '--port=8001'] });

  /** Replaces the jump box's Deployment and waits until only its new pods are left. */
  const replaceJumpBox = async (spec: object) => {
    await lab.kubectl(['replace', '-f', '-'], { input: JSON.stringify(deployment('jump-box', spec)) });
    await lab.kubectl(['-n', 'ops', 'rollout', 'status', 'deployment/jump-box', '--timeout=60s']);
    await expect.poll(async () => (await lab.kubectl(['-n', 'ops', 'get', 'pods', '-l', 'app=jump-box', '-o', 'jsonpath={.items[*].metadata.deletionTimestamp}'])).stdout, { timeout: 30_000 }).toBe('');
  };
  const deleteJumpBox = async () => {
    await lab.kubectl(['-n', 'ops', 'delete', 'deployment', 'jump-box', '--wait=true']);
    await expect.poll(async () => (await lab.kubectl(['-n', 'ops', 'get', 'pods', '-l', 'app=jump-box', '-o', 'name'])).stdout, { timeout: 30_000 }).toBe('');
  };
  const verdict = async () => {
    const report = await lab.grade();
    return { status: report.checks.find((check) => check.id === 'no-open-proxy')?.status, message: messageOf(report, 'no-open-proxy') };
  };

  describe('the same flags in command fail', () => {
    it.each([
      ['command only', { command: ['kubectl', 'proxy', '--address=0.0.0.0', '--accept-hosts=.*'] }, "runs `kubectl proxy --address=0.0.0.0 '--accept-hosts=.*'`: listen is \"network\""],
      ['another path, global flags before the subcommand', { command: ['/usr/local/bin/kubectl', '--namespace', 'ops', 'proxy', '--address', '0.0.0.0'] }, 'runs `kubectl --namespace ops proxy --address 0.0.0.0`: listen is "network"'],
      ['through sh -c', { command: ['sh', '-c', "exec kubectl proxy --port=8001 --address=0.0.0.0 --accept-hosts='.*'"] }, "runs sh -c `kubectl proxy --port=8001 --address=0.0.0.0 '--accept-hosts=.*'`: listen is \"network\""],
      ['a bool flag followed by false', { command: ['/bin/kubectl', 'proxy', '--disable-filter', 'false'] }, 'runs `kubectl proxy --disable-filter false`: filterDisabled is true'],
    ])('%s', async (_, container, gap) => {
      await replaceJumpBox(podSpec([proxy(container)]));
      const { status, message } = await verdict();
      expect(status, message).toBe('fail');
      expect(message).toMatch(/^Pod ops\/jump-box-\S+, container "kubectl-proxy" runs/);
      expect(message).toContain(gap);
    });
  });

  describe('a native sidecar or an init container fails', () => {
    it.each([
      ['a native sidecar with the flags in command', { name: 'proxy-sidecar', restartPolicy: 'Always', command: ['kubectl', 'proxy', '--address=0.0.0.0'] }, 'sidecar "proxy-sidecar" runs `kubectl proxy --address=0.0.0.0`: listen is "network"'],
      ['a native sidecar that only sets args (the image runs kubectl)', { name: 'proxy-sidecar', restartPolicy: 'Always', args: ['proxy', '--accept-hosts=.*'] }, "sidecar \"proxy-sidecar\" runs `kubectl proxy '--accept-hosts=.*'`: hostFilterWidened is true"],
      ['an init container that never exits', { name: 'warm-up', command: ['kubectl', 'proxy', '--disable-filter'] }, 'init container "warm-up" runs `kubectl proxy --disable-filter`: filterDisabled is true'],
    ])('%s', async (_, sidecar, gap) => {
      await replaceJumpBox(podSpec([loopbackProxy], { initContainers: [proxy(sidecar)] }));
      const { status, message } = await verdict();
      expect(status, message).toBe('fail');
      expect(message).toContain(gap);
    });
  });

  describe('--address and its value as two arguments, with $(VAR), fail', () => {
    it.each([
      ['$(POD_IP) from the downward API', { args: ['proxy', '--address', '$(POD_IP)'], env: [podIp] }, 'runs `kubectl proxy --address $(POD_IP)`: listen is "network"'],
      ['$(LISTEN) set to 0.0.0.0', { command: ['kubectl'], args: ['proxy', '--address', '$(LISTEN)'], env: [{ name: 'LISTEN', value: '0.0.0.0' }] }, 'runs `kubectl proxy --address 0.0.0.0`: listen is "network"'],
      ['--address=$(POD_IP) in one word', { command: ['/bin/kubectl'], args: ['proxy', '--address=$(POD_IP)', '--port=8001'], env: [podIp] }, 'runs `kubectl proxy --address=$(POD_IP) --port=8001`: listen is "network"'],
      ['"$POD_IP" in a shell', { command: ['sh', '-c', 'kubectl proxy --address "$POD_IP"'], env: [podIp] }, 'runs sh -c `kubectl proxy --address $POD_IP`: listen is "network"'],
    ])('%s', async (_, container, gap) => {
      await replaceJumpBox(podSpec([proxy(container)]));
      const { status, message } = await verdict();
      expect(status, message).toBe('fail');
      expect(message).toContain(gap);
    });
  });

  describe('a renamed or moved proxy fails', () => {
    const open = proxy({ command: ['/bin/kubectl'], args: ['proxy', '--address=0.0.0.0', '--accept-hosts=.*'] });
    it.each([
      ['a Deployment under another name', () => deployment('ops-tools', podSpec([open])), /^(Pod ops\/ops-tools-\S+|Deployment ops\/ops-tools's pod template), container "kubectl-proxy" runs/],
      ['a StatefulSet', () => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'api-gateway', namespace: 'ops' }, spec: { serviceName: 'api-gateway', replicas: 0, selector: { matchLabels: { app: 'api-gateway' } }, template: { metadata: { labels: { app: 'api-gateway' } }, spec: podSpec([open]) } } }), /^StatefulSet ops\/api-gateway's pod template, container "kubectl-proxy" runs/],
      ['a bare Pod', () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug-proxy', namespace: 'ops' }, spec: podSpec([open]) }), /^Pod ops\/debug-proxy, container "kubectl-proxy" runs/],
      ['a CronJob in ci', () => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly-proxy', namespace: 'ci' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: podSpec([open], { serviceAccountName: 'default', restartPolicy: 'Never' }) } } } } }), /^CronJob ci\/nightly-proxy's pod template, container "kubectl-proxy" runs/],
    ])('%s', async (_, object, named) => {
      await deleteJumpBox();
      await lab.kubectl(['create', '-f', '-'], { input: JSON.stringify(object()) });
      const { status, message } = await verdict();
      expect(status, message).toBe('fail');
      expect(message).toMatch(named);
      expect(message).toContain('listen is "network"');
    });
  });

  describe('correct fixes written differently pass', () => {
    it.each([
      ['the default-safe kubectl proxy in command, no args', proxy({ command: ['kubectl', 'proxy'] })],
      ['the full path, the port only', proxy({ command: ['/bin/kubectl', 'proxy', '--port=8001'] })],
      ['through sh -c, --address 127.0.0.1 as two words', proxy({ command: ['sh', '-c', 'exec kubectl proxy --port=8001 --address 127.0.0.1'] })],
      [
        '$(ADDR) set to 127.0.0.1, the default Host filter spelled out, --disable-filter=false',
        proxy({ args: ['proxy', '--address', '$(ADDR)', '--accept-hosts=^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$', '--disable-filter=false'], env: [{ name: 'HOME', value: '/tmp' }, { name: 'ADDR', value: '127.0.0.1' }] }),
      ],
      ['a unix socket', proxy({ command: ['kubectl', 'proxy', '--unix-socket=/tmp/proxy.sock'] })],
    ])('%s', async (_, container) => {
      await replaceJumpBox(podSpec([container]));
      const { status, message } = await verdict();
      expect(status, message).toBe('pass');
      expect(message).toMatch(/; [1-9]\d* of them run kubectl proxy, as expected$/);
    });
  });
});

/**
 * The attack replay runs only on kind. Here its own command runs against a stand-in
 * for the jump box on 127.0.0.1, judged by the expectations in scenario.yaml: an
 * answering proxy must fail the check, a refusing or absent one must pass it. The
 * stand-in uses the machine's wget (GNU here, busybox in the pod): both take -qO- and
 * -T, and both exit non-zero on an HTTP error.
 */
const wgetAvailable = spawnSync('wget', ['--help'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!wgetAvailable)('kubectl-proxy-vs-port-forward attack replay, run with wget on 127.0.0.1', () => {
  interface ProbeSpec {
    command: string[];
    expect: { exitCode?: 'zero' | 'nonzero'; stdoutContains?: string; stdoutExcludes?: string };
  }
  let replay: ProbeSpec;
  let server: Server;
  let answer: { status: number; body: string };

  beforeAll(async () => {
    const file = fileURLToPath(new URL('../../../scenarios/kubectl-proxy-vs-port-forward/scenario.yaml', import.meta.url));
    const spec = parse(await readFile(file, 'utf8')) as { checks: (ProbeSpec & { id: string })[] };
    replay = spec.checks.find((check) => check.id === 'attack-replay-fails')!;
    server = createServer((request, response) => {
      response.writeHead(request.url === '/api/v1/secrets' ? answer.status : 404, { 'Content-Type': 'application/json' });
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

  const run = async (port: number) => {
    const [command, ...args] = replay.command.map((part) => part.replaceAll('http://jump-box.ops:8001', `http://127.0.0.1:${port}`));
    const result = await execa(command!, args, { reject: false, timeout: 15_000 });
    const { exitCode, stdoutContains, stdoutExcludes } = replay.expect;
    const stdout = result.stdout;
    const passes =
      (exitCode !== 'zero' || result.exitCode === 0) &&
      (exitCode !== 'nonzero' || result.exitCode !== 0) &&
      (stdoutContains === undefined || stdout.includes(stdoutContains)) &&
      (stdoutExcludes === undefined || !stdout.includes(stdoutExcludes));
    return { stdout, passes };
  };
  const port = () => (server.address() as AddressInfo).port;

  it('fails while the proxy hands out the SecretList', async () => {
    answer = { status: 200, body: '{"kind":"SecretList","apiVersion":"v1","items":[{"metadata":{"name":"deploy-bot-token"}}]}' };
    const result = await run(port());
    expect(result.stdout).toContain('"kind":"SecretList"');
    expect(result.stdout).toContain('wget exit=0');
    expect(result.passes).toBe(false);
  });

  it("passes when the proxy's identity is refused (403) or nothing listens any more", async () => {
    answer = { status: 403, body: '{"kind":"Status","reason":"Forbidden","code":403}' };
    const refused = await run(port());
    expect(refused.stdout).toMatch(/wget exit=[1-9]/);
    expect(refused.passes).toBe(true);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await run(closedPort);
    expect(unreachable.stdout).toMatch(/wget exit=[1-9]/);
    expect(unreachable.passes).toBe(true);
  });
});
