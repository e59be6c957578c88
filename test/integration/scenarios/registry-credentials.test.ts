import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { python3Available, skipWithoutIt } from '../../labs/imds/imds-harness.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/**
 * registry-credentials on the test plane. The rbac allowlist (SubjectAccessReviews
 * as a member of the developers group), the credential scan of every ConfigMap,
 * literal env value and command line, and the objects the kubelet needs are judged
 * by the real API server; the ledger's health probe needs kubelet and is `skipped`
 * here, and its code runs below on this machine. The attack is replayed with kubectl
 * impersonation, as the briefing does it.
 */
const scenarioDir = fileURLToPath(new URL('../../../scenarios/registry-credentials/', import.meta.url));
const pythonMissing = skipWithoutIt(python3Available(), 'registry-credentials ledger code: python3 is not on PATH');
const asDeveloper = ['--as', 'dev', '--as-group', 'developers'];

describeWithPlane('scenario registry-credentials on the test plane', () => {
  const lab = useScenario('registry-credentials');
  const fixChecks = ['developers-read-no-secrets', 'no-credentials-in-plain-config'] as const;
  const guardsPass = {
    'developers-can-debug': 'pass',
    'pull-secret-kept': 'pass',
    'ledger-uses-pull-secret': 'pass',
    'ledger-runs': 'pass',
    'ledger-has-its-password': 'skipped',
  } as const;
  const fixes = (status: 'pass' | 'fail', except: Partial<Record<(typeof fixChecks)[number], 'pass' | 'fail'>> = {}) => ({ ...Object.fromEntries(fixChecks.map((id) => [id, status])), ...except });
  const fixed = { ...fixes('pass'), ...guardsPass };
  // Cluster-scoped objects a learner creates carry no lab label, so reset leaves them: each case removes its own.
  const learnerClusterObjects = ['clusterrolebinding/developers-view', 'clusterrolebinding/developers-edit'];

  beforeEach(() => lab.reset());
  afterEach(() => lab.kubectl(['delete', ...learnerClusterObjects, '--ignore-not-found']));

  const developer = (args: string[]) => lab.kubectl(['-n', 'billing', ...args, ...asDeveloper], { reject: false });
  const deleteDebugBinding = () => lab.kubectl(['delete', 'clusterrolebinding', 'developers-debug']);
  const bindView = () => lab.kubectl(['create', 'clusterrolebinding', 'developers-view', '--clusterrole=view', '--group=developers']);
  const patchLedger = (operations: object[]) => lab.kubectl(['-n', 'billing', 'patch', 'deployment', 'ledger', '--type=json', '-p', JSON.stringify(operations)]);
  const password = 'FAKE-k8s-sec-lab-ledger-Xq7rT2vLm9pW4sK8-EXAMPLE';
  const databaseUrl = `postgres://ledger:${password}@ledger-db.billing.svc.cluster.local:5432/ledger`;
  /** The hint's command rung: the values into Secret ledger-db, the ConfigMap key removed, the Deployment pointed at the Secret. */
  const moveThePasswordAsTheHintSays = async () => {
    await lab.kubectl(['-n', 'billing', 'create', 'secret', 'generic', 'ledger-db', `--from-literal=password=${password}`, `--from-literal=database-url=${databaseUrl}`]);
    await lab.kubectl(['-n', 'billing', 'patch', 'configmap', 'ledger-config', '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/data/DB_PASSWORD' }])]);
    await patchLedger([
      { op: 'replace', path: '/spec/template/spec/initContainers/0/env/0', value: { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'ledger-db', key: 'database-url' } } } },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'DB_PASSWORD_FILE', value: '/etc/ledger-db/password' } },
      { op: 'add', path: '/spec/template/spec/volumes/-', value: { name: 'db', secret: { secretName: 'ledger-db' } } },
      { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: { name: 'db', mountPath: '/etc/ledger-db', readOnly: true } },
    ]);
    await rolledOut();
  };
  /** Until the old pods are gone, they still carry the old env. */
  const rolledOut = async () => {
    await lab.kubectl(['-n', 'billing', 'rollout', 'status', 'deployment/ledger', '--timeout=60s']);
    await expect.poll(async () => (await lab.kubectl(['-n', 'billing', 'get', 'pods', '-o', 'jsonpath={.items[?(@.metadata.deletionTimestamp)].metadata.name}'])).stdout, { timeout: 30_000 }).toBe('');
  };

  describe('the start and the attack', () => {
    it('starts vulnerable: developers read every Secret, and the password sits in a ConfigMap and a literal env value', async () => {
      const report = await lab.grade();
      expectStatuses(report, { ...fixes('fail'), ...guardsPass });
      expect(messageOf(report, 'developers-read-no-secrets')).toContain('user dev may, in billing: get, list, watch secrets, granted by ClusterRoleBinding developers-debug (ClusterRole debug-reader)');
      const scan = messageOf(report, 'no-credentials-in-plain-config');
      expect(scan).toContain('ConfigMap billing/ledger-config key DB_PASSWORD: the name says "password" and the value is not a reference');
      expect(scan).toContain('init container "migrate", env DATABASE_URL: a URL with a password (postgres://ledger:***@ledger-db.billing.svc.cluster.local)');
      expect(scan).not.toContain(password);
    });

    it('a developer decodes the planted registry token out of the pull secret, and reads the password with no Secret permission', async () => {
      const flags = await lab.start();
      const dockerConfig = JSON.parse(Buffer.from((await developer(['get', 'secret', 'ecr-pull', '-o', 'jsonpath={.data.\\.dockerconfigjson}'])).stdout, 'base64').toString()) as {
        auths: Record<string, { username: string; password: string }>;
      };
      const registry = dockerConfig.auths['123456789012.dkr.ecr.us-east-1.amazonaws.com']!;
      expect(registry.username).toBe('AWS');
      expect(registry.password).toBe(flags.get('ecr-token'));
      expect(flags.get('ecr-token')).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);
      expect((await developer(['get', 'configmap', 'ledger-config', '-o', 'jsonpath={.data.DB_PASSWORD}'])).stdout).toBe(password);
      expect((await developer(['get', 'deploy', 'ledger', '-o', 'jsonpath={.spec.template.spec.initContainers[0].env[0].value}'])).stdout).toBe(databaseUrl);
    });
  });

  describe('correct fixes written differently pass', () => {
    it('the reference solution: view for developers, the password in a Secret they cannot read', async () => {
      await lab.solve();
      await rolledOut();
      expectStatuses(await lab.grade(), fixed);
      const refused = await developer(['get', 'secret', 'ecr-pull', '-o', 'json']);
      expect(refused.stderr).toContain('User "dev" cannot get resource "secrets" in API group "" in the namespace "billing"');
      // What view still shows no longer holds the password.
      expect((await developer(['get', 'configmap', 'ledger-config', '-o', 'json'])).stdout).not.toContain(password);
      expect((await developer(['get', 'deploy', 'ledger', '-o', 'json'])).stdout).not.toContain(password);
    });

    it('view bound in billing only (a RoleBinding), the debug binding removed, the password moved as the hint says', async () => {
      await lab.kubectl(['-n', 'billing', 'create', 'rolebinding', 'developers-view', '--clusterrole=view', '--group=developers']);
      await deleteDebugBinding();
      await moveThePasswordAsTheHintSays();
      expectStatuses(await lab.grade(), fixed);
    });

    it('debug-reader edited to drop secrets (its binding kept), DB_PASSWORD from a secretKeyRef and the URL built from $(DB_PASSWORD)', async () => {
      const rules = JSON.parse((await lab.kubectl(['get', 'clusterrole', 'debug-reader', '-o', 'jsonpath={.rules}'])).stdout) as { resources: string[] }[];
      const index = rules[0]!.resources.indexOf('secrets');
      await lab.kubectl(['patch', 'clusterrole', 'debug-reader', '--type=json', '-p', JSON.stringify([{ op: 'remove', path: `/rules/0/resources/${index}` }])]);
      await lab.kubectl(['-n', 'billing', 'create', 'secret', 'generic', 'ledger-db', `--from-literal=password=${password}`]);
      await lab.kubectl(['-n', 'billing', 'patch', 'configmap', 'ledger-config', '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/data/DB_PASSWORD' }])]);
      const fromSecret = { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'ledger-db', key: 'password' } } };
      await patchLedger([
        { op: 'replace', path: '/spec/template/spec/initContainers/0/env', value: [fromSecret, { name: 'DATABASE_URL', value: 'postgres://ledger:$(DB_PASSWORD)@ledger-db.billing.svc.cluster.local:5432/ledger' }] },
        { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: fromSecret },
      ]);
      await rolledOut();
      expectStatuses(await lab.grade(), fixed);
    });

    it('kubectl create clusterrolebinding to view, as the hint says, and the password moved', async () => {
      await bindView();
      await deleteDebugBinding();
      await moveThePasswordAsTheHintSays();
      expectStatuses(await lab.grade(), fixed);
    });
  });

  describe('wrong fixes fail, naming the binding or the value', () => {
    it('a view RoleBinding beside the debug ClusterRoleBinding: permissions only add up', async () => {
      await lab.kubectl(['-n', 'billing', 'create', 'rolebinding', 'developers-view', '--clusterrole=view', '--group=developers']);
      await moveThePasswordAsTheHintSays();
      const report = await lab.grade();
      expectStatuses(report, { ...fixes('pass', { 'developers-read-no-secrets': 'fail' }), ...guardsPass });
      expect(messageOf(report, 'developers-read-no-secrets')).toContain('granted by ClusterRoleBinding developers-debug (ClusterRole debug-reader)');
      expect(messageOf(report, 'developers-read-no-secrets')).toContain('permissions only add up');
    });

    it('edit instead of view: edit reads Secrets and changes pods', async () => {
      await lab.kubectl(['create', 'clusterrolebinding', 'developers-edit', '--clusterrole=edit', '--group=developers']);
      await deleteDebugBinding();
      await moveThePasswordAsTheHintSays();
      const report = await lab.grade();
      expectStatuses(report, { ...fixes('pass', { 'developers-read-no-secrets': 'fail' }), ...guardsPass });
      expect(messageOf(report, 'developers-read-no-secrets')).toMatch(/get, list, watch secrets.*create pods.*granted by ClusterRoleBinding developers-edit \(ClusterRole edit\)/);
    });

    it('admin in billing: admin holds Secrets too', async () => {
      await lab.kubectl(['-n', 'billing', 'create', 'rolebinding', 'developers-admin', '--clusterrole=admin', '--group=developers']);
      await deleteDebugBinding();
      const report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'developers-read-no-secrets')?.status).toBe('fail');
      expect(messageOf(report, 'developers-read-no-secrets')).toContain('granted by RoleBinding billing/developers-admin (ClusterRole admin)');
    });

    it('the ConfigMap key renamed, or base64-encoded: the value is still there for everyone with view', async () => {
      await bindView();
      await deleteDebugBinding();
      await moveThePasswordAsTheHintSays();
      for (const [key, value, said] of [
        ['DB_PASS', password, 'key DB_PASS: the name says "pass"'],
        ['DB_SETTINGS', Buffer.from(databaseUrl).toString('base64'), 'key DB_SETTINGS: base64 of a URL with a password'],
      ] as const) {
        await lab.kubectl(['-n', 'billing', 'patch', 'configmap', 'ledger-config', '-p', JSON.stringify({ data: { [key]: value } })]);
        const report = await lab.grade();
        expectStatuses(report, { ...fixes('pass', { 'no-credentials-in-plain-config': 'fail' }), ...guardsPass });
        expect(messageOf(report, 'no-credentials-in-plain-config')).toContain(`ConfigMap billing/ledger-config ${said}`);
        expect(messageOf(report, 'no-credentials-in-plain-config')).toContain('renaming the key or base64-encoding the value hides nothing');
        await lab.kubectl(['-n', 'billing', 'patch', 'configmap', 'ledger-config', '--type=json', '-p', JSON.stringify([{ op: 'remove', path: `/data/${key}` }])]);
      }
    });

    it('the password moved out of the ConfigMap into another ConfigMap, or the literal URL moved to the main container', async () => {
      await bindView();
      await deleteDebugBinding();
      await moveThePasswordAsTheHintSays();
      await lab.kubectl(['-n', 'billing', 'create', 'configmap', 'ledger-db-settings', `--from-literal=password=${password}`]);
      let report = await lab.grade();
      expect(messageOf(report, 'no-credentials-in-plain-config')).toContain('ConfigMap billing/ledger-db-settings key password');
      await lab.kubectl(['-n', 'billing', 'delete', 'configmap', 'ledger-db-settings']);
      await patchLedger([{ op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'LEDGER_DSN', value: databaseUrl } }]);
      await rolledOut();
      report = await lab.grade();
      expectStatuses(report, { ...fixes('pass', { 'no-credentials-in-plain-config': 'fail' }), ...guardsPass });
      expect(messageOf(report, 'no-credentials-in-plain-config')).toContain('container "ledger", env LEDGER_DSN: a URL with a password');
    });

    it('view bound but the password left where it was', async () => {
      await bindView();
      await deleteDebugBinding();
      const report = await lab.grade();
      expectStatuses(report, { ...fixes('pass', { 'no-credentials-in-plain-config': 'fail' }), ...guardsPass });
      expect(messageOf(report, 'no-credentials-in-plain-config')).toMatch(/^\d+ credentials in plain configuration in billing: ConfigMap billing\/ledger-config key DB_PASSWORD: .*; Deployment billing\/ledger's pod template, init container "migrate", env DATABASE_URL/);
    });
  });

  describe('cheats fail the guards', () => {
    it('taking everything away from developers: they can no longer debug', async () => {
      await deleteDebugBinding();
      const report = await lab.grade();
      expectStatuses(report, { ...fixes('pass', { 'no-credentials-in-plain-config': 'fail' }), ...guardsPass, 'developers-can-debug': 'fail' });
      expect(messageOf(report, 'developers-can-debug')).toContain('user dev cannot, in billing: get, list, watch pods, events, deployments.apps');
      expect(messageOf(report, 'developers-can-debug')).toContain('bind the built-in view role');
    });

    it('deleting the pull secret, or unhooking it from the ledger, instead of restricting who reads it', async () => {
      await lab.kubectl(['-n', 'billing', 'delete', 'secret', 'ecr-pull']);
      await patchLedger([{ op: 'remove', path: '/spec/template/spec/imagePullSecrets' }]);
      await rolledOut();
      const report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'pull-secret-kept')?.status).toBe('fail');
      expect(report.checks.find((check) => check.id === 'ledger-uses-pull-secret')?.status).toBe('fail');
      expect(messageOf(report, 'pull-secret-kept')).toContain('restrict who reads it instead');
      expect(messageOf(report, 'ledger-uses-pull-secret')).toContain('pod.imagePullSecrets is not set');
    });

    it('scaling the ledger to zero', async () => {
      await lab.kubectl(['-n', 'billing', 'scale', 'deployment', 'ledger', '--replicas=0']);
      const report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'ledger-runs')?.status).toBe('fail');
      expect(messageOf(report, 'ledger-runs')).toContain('Deleting the ledger or scaling it to zero is not a fix');
    });
  });

  it('grades warm in a bounded number of requests (the time is printed: the target is 300 ms on an idle machine)', async () => {
    await lab.grade();
    const report = await lab.grade();
    expect(report.requests).toBeLessThan(100);
    console.log(`registry-credentials check: ${report.durationMs} ms, ${report.requests} requests`);
  });
});

describe.skipIf(pythonMissing)('registry-credentials ledger code, run on this machine', () => {
  let dir: string;
  let code: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-'));
    const documents = parseAllDocuments(await readFile(join(scenarioDir, 'setup', '30-ledger.yaml'), 'utf8')).map((document) => document.toJS() as { metadata: { name: string }; data?: Record<string, string> });
    code = join(dir, 'ledger.py');
    await writeFile(code, documents.find((document) => document.metadata.name === 'ledger-code')!.data!['ledger.py']!);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Starts ledger.py on a free port with `env`, returns /healthz. */
  async function health(env: Record<string, string>): Promise<{ status: number; body: string }> {
    const child = spawn('python3', [code], { env: { PATH: process.env.PATH ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
        child.once('exit', (exitCode) => reject(new Error(`ledger.py exited with ${exitCode}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return { status: response.status, body: await response.text() };
    } finally {
      child.kill();
    }
  }

  it('finds the password in DB_PASSWORD (setup, or secretKeyRef) or in the file DB_PASSWORD_FILE names (a mounted Secret)', async () => {
    expect((await health({ DB_PASSWORD: 'FAKE' })).body).toContain('"database": "configured", "password": "env"');
    const file = join(dir, 'password');
    await writeFile(file, 'FAKE-k8s-sec-lab\n');
    expect((await health({ DB_PASSWORD_FILE: file })).body).toContain('"password": "file"');
  });

  it('answers 503 when a fix loses the password, which fails the live guard', async () => {
    const response = await health({ DB_PASSWORD_FILE: join(dir, 'missing') });
    expect(response.status).toBe(503);
    expect(response.body).not.toContain('"database": "configured"');
  });
});
