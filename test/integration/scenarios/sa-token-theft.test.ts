import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { python3Available, skipWithoutIt } from '../../labs/imds/imds-harness.js';
import { describeWithPlane, requirePlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/**
 * sa-token-theft on the test plane. The rbac allowlists (SubjectAccessReviews) and
 * the workload properties (every pod and template, the live pods' token volumes
 * as the ServiceAccount admission plugin sets them) are judged by the real API
 * server. The two runtime probes (the attack replayed from the blog
 * pod, the blog's page) need kubelet and are `skipped` here; their code runs below
 * too, on this machine, against the same API server: the replay script of
 * scenario.yaml with a real token of the account the pod would carry, and the blog's
 * own code reading its config through the API or from mounted files.
 */
const scenarioDir = fileURLToPath(new URL('../../../scenarios/sa-token-theft/', import.meta.url));
const pythonMissing = skipWithoutIt(python3Available(), 'sa-token-theft replay and blog code: python3 is not on PATH');

describeWithPlane('scenario sa-token-theft on the test plane', () => {
  const lab = useScenario('sa-token-theft');
  const skipped = { 'attack-replay-reads-nothing': 'skipped', 'blog-serves-its-page': 'skipped' } as const;
  const guardsPass = { 'token-only-where-used': 'pass', 'blog-runs': 'pass', 'blog-config-kept': 'pass', 'newsletter-key-kept': 'pass' } as const;
  const fixChecks = ['no-account-reads-other-secrets', 'default-holds-no-secrets', 'blog-runs-as-own-account'] as const;
  const withFixes = (status: 'pass' | 'fail', except: Partial<Record<(typeof fixChecks)[number], 'pass' | 'fail'>> = {}) => ({
    ...Object.fromEntries(fixChecks.map((id) => [id, status])),
    ...except,
    ...skipped,
    ...guardsPass,
  });
  const fixed = withFixes('pass');

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sa-token-theft-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => lab.reset());

  const deleteBindings = (...names: string[]) => lab.kubectl(['-n', 'blog', 'delete', 'rolebinding', ...names]);
  const useOwnAccount = () => lab.kubectl(['-n', 'blog', 'set', 'serviceaccount', 'deployment', 'blog', 'blog']);
  const patchBlog = (operations: object[]) => lab.kubectl(['-n', 'blog', 'patch', 'deployment', 'blog', '--type=json', '-p', JSON.stringify(operations)]);
  const mountConfigFiles = [
    { op: 'add', path: '/spec/template/spec/volumes/-', value: { name: 'config', secret: { secretName: 'blog-config' } } },
    { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: { name: 'config', mountPath: '/etc/blog', readOnly: true } },
  ];
  const noTokenOnPod = { op: 'add', path: '/spec/template/spec/automountServiceAccountToken', value: false };
  const grantOwnConfigOnly = async () => {
    await lab.kubectl(['-n', 'blog', 'create', 'role', 'blog-config-reader', '--verb=get', '--resource=secrets', '--resource-name=blog-config']);
    await lab.kubectl(['-n', 'blog', 'create', 'rolebinding', 'blog-config-reader', '--role=blog-config-reader', '--serviceaccount=blog:blog']);
  };

  /** What the pod would carry: a fresh token of the account, its namespace and the API server's CA, laid out as kubelet does. */
  async function serviceAccountDir(account: string | undefined): Promise<string> {
    const path = await mkdtemp(join(dir, 'sa-'));
    if (account) {
      await writeFile(join(path, 'token'), (await lab.kubectl(['create', 'token', account, '-n', 'blog'])).stdout.trim());
      await writeFile(join(path, 'namespace'), 'blog');
      await writeFile(join(path, 'ca.crt'), requirePlane().ca);
    }
    return path;
  }
  const apiEnv = () => {
    const { hostname, port } = new URL(requirePlane().server);
    return { KUBERNETES_SERVICE_HOST: hostname, KUBERNETES_SERVICE_PORT: port };
  };

  /** The replay of scenario.yaml, run here with the token of `account` (none: no token mounted); judged by its own expectations. */
  async function replay(account: string | undefined): Promise<{ stdout: string; passes: boolean }> {
    const spec = parse(await readFile(join(scenarioDir, 'scenario.yaml'), 'utf8')) as { checks: { id: string; command: string[]; expect: { stdoutContains: string; stdoutExcludes: string } }[] };
    const check = spec.checks.find((candidate) => candidate.id === 'attack-replay-reads-nothing')!;
    const saDir = await serviceAccountDir(account);
    const [command, ...args] = check.command.map((part) => part.replaceAll('/var/run/secrets/kubernetes.io/serviceaccount', saDir));
    const result = await execa(command!, args, { env: apiEnv(), reject: false, timeout: 20_000 });
    const passes = result.exitCode === 0 && result.stdout.includes(check.expect.stdoutContains) && !result.stdout.includes(check.expect.stdoutExcludes);
    return { stdout: `${result.stdout}${result.stderr}`, passes };
  }

  /** The blog's own code from the setup ConfigMap, started here; resolves with its front page (or its 503). */
  async function blogPage(account: string | undefined, configFiles: boolean): Promise<{ status: number; body: string }> {
    const documents = parseAllDocuments(await readFile(join(scenarioDir, 'setup', '30-blog.yaml'), 'utf8')).map((document) => document.toJS() as { kind: string; data?: Record<string, string> });
    const code = join(dir, 'blog.py');
    await writeFile(code, documents.find((document) => document.kind === 'ConfigMap')!.data!['blog.py']!);
    const configDir = join(dir, `config-${Date.now()}`);
    await mkdir(configDir);
    if (configFiles) {
      await writeFile(join(configDir, 'site-title'), 'Field Notes from the Platform Team');
      await writeFile(join(configDir, 'db-password'), 'FAKE-k8s-sec-lab-comments-db-password-EXAMPLE');
    }
    const port = await freePort();
    const env = { ...process.env, ...apiEnv(), SERVICE_ACCOUNT_DIR: await serviceAccountDir(account), CONFIG_DIR: configDir, PORT: String(port) };
    const child = spawn('python3', [code], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => line.includes('"listening"') && resolve());
        child.once('exit', (exitCode) => reject(new Error(`blog.py exited with ${exitCode}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/`);
      return { status: response.status, body: await response.text() };
    } finally {
      child.kill();
    }
  }

  /** Waits until the blog's rollout is done and only the new pods are left (their token volume is what the guard reads). */
  const rolledOut = async () => {
    await lab.kubectl(['-n', 'blog', 'rollout', 'status', 'deployment/blog', '--timeout=60s']);
    await expect.poll(async () => (await lab.kubectl(['-n', 'blog', 'get', 'pods', '-o', 'jsonpath={.items[?(@.metadata.deletionTimestamp)].metadata.name}'])).stdout, { timeout: 30_000 }).toBe('');
  };
  const secretsBoundTo = (name: string, rules: object[]) =>
    lab.apply(
      [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: 'blog' }, rules },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: 'blog' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [{ kind: 'ServiceAccount', name: 'blog', namespace: 'blog' }] },
      ]
        .map((object) => JSON.stringify(object))
        .join('\n'),
    );

  describe('the start and the attack', () => {
    it('starts vulnerable: default and the half-migrated blog account read every Secret; the blog runs as default with a token', async () => {
      const report = await lab.grade();
      expectStatuses(report, withFixes('fail'));
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('ServiceAccount blog/default may, in blog: list, watch secrets; get secrets newsletter');
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('granted by RoleBinding blog/default-secret-reader (Role secret-reader)');
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('ServiceAccount blog/blog may');
      expect(messageOf(report, 'default-holds-no-secrets')).toContain('in blog: get, list, watch secrets');
      expect(messageOf(report, 'blog-runs-as-own-account')).toMatch(/^(Pod blog\/blog-\S+|Deployment blog\/blog's pod template), container "blog": pod.serviceAccountName is /);
    });

    it("the blog's token (the default account's) reads the planted newsletter key from the API", async () => {
      const flags = await lab.start();
      const token = (await lab.kubectl(['create', 'token', 'default', '-n', 'blog'])).stdout.trim();
      const { server, ca } = requirePlane();
      const response = await fetchWithCa(`${server}/api/v1/namespaces/blog/secrets`, token, ca);
      expect(response.status).toBe(200);
      const secrets = JSON.parse(response.body) as { items: { metadata: { name: string }; data: Record<string, string> }[] };
      const newsletter = secrets.items.find((item) => item.metadata.name === 'newsletter');
      expect(Buffer.from(newsletter!.data['api-key']!, 'base64').toString()).toBe(flags.get('newsletter-key'));
      expect(flags.get('newsletter-key')).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);
    });
  });

  describe('correct fixes written differently pass', () => {
    it('the reference solution: own account, no RBAC, no token, config as files', async () => {
      await lab.solve();
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'token-only-where-used')).toContain('are as expected');
    });

    it('get on resourceNames [blog-config] for the blog account, the token kept because the app uses it', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      await grantOwnConfigOnly();
      await useOwnAccount();
      await rolledOut();
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'token-only-where-used')).toContain('keeps in blog: get secrets blog-config');
    });

    it('automountServiceAccountToken: false on the ServiceAccount only, and the Secret mounted as files', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      await lab.kubectl(['-n', 'blog', 'patch', 'serviceaccount', 'blog', '-p', '{"automountServiceAccountToken": false}']);
      await useOwnAccount();
      await patchBlog(mountConfigFiles);
      await rolledOut();
      expectStatuses(await lab.grade(), fixed);
    });

    it('the secret-reader Role itself narrowed to get blog-config and rebound to the blog account alone', async () => {
      await deleteBindings('default-secret-reader');
      await lab.kubectl(['-n', 'blog', 'patch', 'role', 'secret-reader', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/rules', value: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['blog-config'], verbs: ['get'] }] }])]);
      await useOwnAccount();
      await rolledOut();
      expectStatuses(await lab.grade(), fixed);
    });
  });

  describe('wrong fixes fail, naming the account and the binding', () => {
    it('switching the blog to its own account while default keeps the Secrets', async () => {
      await deleteBindings('blog-secret-reader');
      await useOwnAccount();
      await patchBlog([noTokenOnPod, ...mountConfigFiles]);
      await rolledOut();
      const report = await lab.grade();
      expectStatuses(report, withFixes('fail', { 'blog-runs-as-own-account': 'pass' }));
      expect(messageOf(report, 'default-holds-no-secrets')).toContain('the next pod in blog that names no account');
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('ServiceAccount blog/default may');
    });

    it("unbinding default but keeping the colleague's binding: the blog account still reads every Secret", async () => {
      await deleteBindings('default-secret-reader');
      await useOwnAccount();
      await rolledOut();
      const report = await lab.grade();
      expectStatuses(report, withFixes('pass', { 'no-account-reads-other-secrets': 'fail' }));
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('ServiceAccount blog/blog may, in blog: list, watch secrets; get secrets newsletter');
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('granted by RoleBinding blog/blog-secret-reader (Role secret-reader)');
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('moves the hole');
    });

    it('turning the token off on the pod while it stays default and default keeps its binding', async () => {
      await patchBlog([noTokenOnPod, ...mountConfigFiles]);
      await rolledOut();
      const report = await lab.grade();
      expectStatuses(report, withFixes('fail'));
    });

    it('giving the blog account only watch on Secrets ("watch is not a read")', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      await secretsBoundTo('blog-watcher', [{ apiGroups: [''], resources: ['secrets'], verbs: ['watch'] }]);
      await useOwnAccount();
      await patchBlog([noTokenOnPod, ...mountConfigFiles]);
      await rolledOut();
      const report = await lab.grade();
      expectStatuses(report, withFixes('pass', { 'no-account-reads-other-secrets': 'fail' }));
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('in blog: watch secrets, granted by RoleBinding blog/blog-watcher (Role blog-watcher)');
    });

    it('resourceNames that still name the newsletter key, or a Role that may create pods (which mount any Secret)', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      await useOwnAccount();
      await secretsBoundTo('blog-reads-two', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['blog-config', 'newsletter'], verbs: ['get'] }]);
      let report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'no-account-reads-other-secrets')?.status).toBe('fail');
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('get secrets newsletter, granted by RoleBinding blog/blog-reads-two');
      await lab.kubectl(['-n', 'blog', 'delete', 'role,rolebinding', 'blog-reads-two']);
      await secretsBoundTo('blog-debug', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]);
      report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'no-account-reads-other-secrets')?.status).toBe('fail');
      expect(messageOf(report, 'no-account-reads-other-secrets')).toContain('create pods, granted by RoleBinding blog/blog-debug');
    });

    it('default narrowed to get blog-config only: still a Secret for every pod that names no account', async () => {
      await deleteBindings('blog-secret-reader');
      await lab.kubectl(['-n', 'blog', 'patch', 'role', 'secret-reader', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/rules', value: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['blog-config'], verbs: ['get'] }] }])]);
      const report = await lab.grade();
      // The token guard names the blog account, which lost its config: it fails too.
      expectStatuses(report, { ...withFixes('pass', { 'default-holds-no-secrets': 'fail', 'blog-runs-as-own-account': 'fail' }), 'token-only-where-used': 'fail' });
      expect(messageOf(report, 'default-holds-no-secrets')).toContain('get secrets blog-config');
    });

    it('leaving a token mounted that nothing uses: the guard says to mount none', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      await useOwnAccount();
      await patchBlog(mountConfigFiles);
      await rolledOut();
      const report = await lab.grade();
      expectStatuses(report, { ...withFixes('pass'), 'token-only-where-used': 'fail' });
      expect(messageOf(report, 'token-only-where-used')).toContain('serviceAccountToken');
      expect(messageOf(report, 'token-only-where-used')).toContain('mount none (automountServiceAccountToken: false on the pod or its account)');
    });

    it('the account says no token, but the pod template says true (the pod wins): the live pod still carries one', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      await lab.kubectl(['-n', 'blog', 'patch', 'serviceaccount', 'blog', '-p', '{"automountServiceAccountToken": false}']);
      await useOwnAccount();
      await patchBlog([{ op: 'add', path: '/spec/template/spec/automountServiceAccountToken', value: true }, ...mountConfigFiles]);
      await rolledOut();
      const report = await lab.grade();
      expectStatuses(report, { ...withFixes('pass'), 'token-only-where-used': 'fail' });
    });

    it('a second Deployment of the blog, renamed, still running as default', async () => {
      await lab.solve();
      const blog = JSON.parse((await lab.kubectl(['-n', 'blog', 'get', 'deployment', 'blog', '-o', 'json'])).stdout) as { spec: { template: { spec: Record<string, unknown> } } };
      // serviceAccount is the deprecated alias the API server fills in beside serviceAccountName.
      const { serviceAccountName: _account, serviceAccount: _alias, ...templateSpec } = blog.spec.template.spec;
      await lab.apply(JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'blog-canary', namespace: 'blog' }, spec: { replicas: 0, selector: { matchLabels: { app: 'blog', track: 'canary' } }, template: { metadata: { labels: { app: 'blog', track: 'canary' } }, spec: templateSpec } } }));
      const report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'blog-runs-as-own-account')?.status).toBe('fail');
      expect(messageOf(report, 'blog-runs-as-own-account')).toContain("Deployment blog/blog-canary's pod template");
    });
  });

  describe('cheats fail the guards', () => {
    it("deleting the attacker's target, or the blog's config, instead of the access", async () => {
      await lab.kubectl(['-n', 'blog', 'delete', 'secret', 'newsletter', 'blog-config']);
      const report = await lab.grade();
      expectStatuses(report, { ...withFixes('fail'), 'newsletter-key-kept': 'fail', 'blog-config-kept': 'fail' });
      expect(messageOf(report, 'newsletter-key-kept')).toContain('Secret blog/newsletter does not exist');
    });

    it('scaling the blog to zero along with the fix', async () => {
      await lab.solve();
      await lab.kubectl(['-n', 'blog', 'scale', 'deployment', 'blog', '--replicas=0']);
      const report = await lab.grade();
      expect(report.checks.find((check) => check.id === 'blog-runs')?.status).toBe('fail');
      expect(messageOf(report, 'blog-runs')).toContain('Deleting the blog or scaling it to zero is not a fix');
    });

    it('deleting the blog namespace is a cheat, not "start it first"', async () => {
      await lab.kubectl(['delete', 'namespace', 'blog', '--wait=false']);
      const report = await lab.grade();
      expectStatuses(report, { 'no-account-reads-other-secrets': 'fail', 'blog-runs': 'fail' });
      expect(messageOf(report, 'blog-runs')).toContain('deleting namespace blog is not a fix');
      expect(report.checks.filter((check) => check.status === 'error')).toEqual([]);
    });
  });

  it('grades warm in a bounded number of requests (the time is printed: the target is 300 ms on an idle machine)', async () => {
    await lab.grade();
    const report = await lab.grade();
    expect(report.requests).toBeLessThan(200);
    console.log(`sa-token-theft check: ${report.durationMs} ms, ${report.requests} requests`);
  });

  describe.skipIf(pythonMissing)('the replay and the blog code, run on this machine against the plane', () => {
    it("the replay leaks the newsletter key with the setup's default token, and the blog reads its config through the API", async () => {
      const attack = await replay('default');
      expect(attack.stdout).toContain('LEAKED newsletter');
      expect(attack.passes).toBe(false);
      const page = await blogPage('default', false);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<h1>Field Notes from the Platform Team</h1>');
    });

    it('after the reference solution there is no token to replay, and the blog serves its page from files', async () => {
      await lab.solve();
      const attack = await replay(undefined);
      expect(attack.stdout).toContain('no token mounted');
      expect(attack.passes).toBe(true);
      expect((await blogPage(undefined, true)).body).toContain('<h1>Field Notes from the Platform Team</h1>');
    });

    it('with get on blog-config only, the replayed token gets 403 for the list and the newsletter, and the blog still reads its config', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      await grantOwnConfigOnly();
      const attack = await replay('blog');
      expect(attack.stdout).toContain('/api/v1/namespaces/blog/secrets -> 403');
      expect(attack.stdout).toContain('/api/v1/namespaces/blog/secrets/newsletter -> 403');
      expect(attack.passes).toBe(true);
      expect((await blogPage('blog', false)).body).toContain('<h1>Field Notes from the Platform Team</h1>');
    });

    it('without any way to its config the blog answers 503 and says why, which fails the page guard', async () => {
      await deleteBindings('default-secret-reader', 'blog-secret-reader');
      const page = await blogPage('blog', false);
      expect(page.status).toBe(503);
      expect(page.body).toContain('403');
    });
  });
});

/** A GET with only a bearer token (no client certificate), trusting the plane's CA. */
function fetchWithCa(url: string, token: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsGet(url, { ca, headers: { Authorization: `Bearer ${token}` } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
