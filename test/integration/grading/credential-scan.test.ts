import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { checkSchema, runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';

const namespace = 'grading-credential-scan';
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const parse = (check: Record<string, unknown>): CheckSpec => checkSchema.parse({ id: 'c', title: 'c', hints, kind: 'credential-scan', ...check });
const password = 'FAKE-k8s-sec-lab-Xq7rT2vLm9pW4sK8-EXAMPLE';

describeWithPlane('credential-scan on the test plane', () => {
  let client: KubeClient;
  const grade = (spec: CheckSpec, view = new ClusterView(client)) => runCheck(spec, { view, scenario: { id: 'credential-scan-test', dir: '.', namespaces: [namespace] } });
  const apply = (object: object) => kubectl(['apply', '-f', '-'], { input: JSON.stringify({ ...object, metadata: { namespace, ...(object as { metadata: object }).metadata } }) });
  const remove = (what: string) => kubectl(['-n', namespace, 'delete', what, '--ignore-not-found']);
  const podWith = (name: string, container: object, list: 'containers' | 'initContainers' = 'containers') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { [list]: [{ name: 'app', image: 'registry.example/app:1', ...container }], ...(list === 'initContainers' ? { containers: [{ name: 'main', image: 'registry.example/app:1' }] } : {}) },
  });

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await kubectl(['create', 'namespace', namespace]);
    // Pods are admitted once the namespace's default service account exists.
    for (let tries = 0; (await kubectl(['-n', namespace, 'get', 'serviceaccount', 'default'], { reject: false })).exitCode !== 0; tries++) {
      if (tries > 60) throw new Error(`no default service account in ${namespace} after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // What stays clean throughout: harmless config, a reference, a file path, and the namespace's own CA bundle.
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'clean' }, data: { LOG_LEVEL: 'info', DB_HOST: 'db.example.svc', DB_PASSWORD_FILE: '/etc/db/password' } });
    await apply(podWith('clean', { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'URL', value: 'postgres://app:$(DB_PASSWORD)@db:5432/app' }] }));
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    client.close();
  });

  it('passes clean configuration, counting what it read', async () => {
    const verdict = await grade(parse({ namespaces: [namespace] }));
    expect(verdict.status, verdict.message).toBe('pass');
    expect(verdict.message).toMatch(/^no credential among the \d+ ConfigMap keys, literal env values and command lines in grading-credential-scan/);
  });

  it('finds a password in a ConfigMap, renamed or base64-encoded, without printing it', async () => {
    for (const [key, value, reason] of [
      ['DB_PASSWORD', password, 'the name says "password"'],
      ['dbPass', password, 'the name says "pass"'],
      ['blob', Buffer.from(`postgres://app:${password}@db:5432/app`).toString('base64'), 'base64 of a URL with a password (postgres://app:***@db)'],
    ] as const) {
      await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leaky' }, data: { [key]: value } });
      const verdict = await grade(parse({ namespaces: [namespace] }));
      expect(verdict.status).toBe('fail');
      expect(verdict.message).toContain(`ConfigMap ${namespace}/leaky key ${key}: ${reason}`);
      expect(verdict.message).not.toContain(password);
      await remove('configmap/leaky');
    }
  });

  it('finds a literal env value in an init container and a --password flag, in pods and in templates', async () => {
    await apply(podWith('migrate', { env: [{ name: 'DATABASE_URL', value: `postgres://app:${password}@db:5432/app` }] }, 'initContainers'));
    let verdict = await grade(parse({ namespaces: [namespace] }));
    expect(verdict.message).toContain(`Pod ${namespace}/migrate, init container "app", env DATABASE_URL: a URL with a password (postgres://app:***@db)`);
    await remove('pod/migrate');
    await apply({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'dump', image: 'registry.example/pg:1', args: ['pg_dump', `--password=${password}`] }] } } } } },
    });
    verdict = await grade(parse({ namespaces: [namespace] }));
    expect(verdict.status).toBe('fail');
    expect(verdict.message).toContain(`CronJob ${namespace}/backup's pod template, container "dump", flag --password on its command line: the name says "password"`);
    // Only the sources asked for are read.
    expect((await grade(parse({ namespaces: [namespace], sources: ['configMaps', 'env'] }))).status).toBe('pass');
    await remove('cronjob/backup');
  });

  it('fails closed on a missing namespace, and reads each collection once per run', async () => {
    const missing = await runCheck(parse({ namespaces: ['grading-credential-scan-missing'] }), { view: new ClusterView(client), scenario: { id: 'x', dir: '.', namespaces: [] } });
    expect(missing.status).toBe('error');
    const view = new ClusterView(client);
    const before = view.requestCount;
    await Promise.all([grade(parse({ namespaces: [namespace] }), view), grade(parse({ namespaces: [namespace] }), view)]);
    // Namespaces, ConfigMaps and the eight kinds that run pods.
    expect(view.requestCount - before).toBe(10);
  });
});
