import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane, useNamespace } from '../setup/plane.js';

type RequestCheck = Extract<CheckSpec, { kind: 'api-request' }>;
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const image = 'registry.example/app:1';

/**
 * api-request against the plane: dry-run writes to live objects and their
 * subresources judged by who refused them, impersonated reads judged on
 * the status, nothing stored by a dry run, and fail-closed answers.
 */
describeWithPlane('api-request on the test plane', () => {
  const ns = useNamespace('api-request', { 'pod-security.kubernetes.io/enforce': 'baseline' });
  let client: KubeClient;

  const grade = async (fields: Partial<RequestCheck>, as: KubeClient = client) => {
    const spec = { id: 'answered', title: 'the request is answered as expected', kind: 'api-request', role: 'fix', hints, method: 'GET', query: {}, ...fields } as RequestCheck;
    return runCheck(spec, { view: new ClusterView(as), scenario: { id: 'api-request-test', dir: '.', namespaces: [ns.name] } });
  };
  const debugContainer = (securityContext: Record<string, boolean>) => ({ spec: { ephemeralContainers: [{ name: 'debugger', image, securityContext }] } });
  const pods = () => ({ apiVersion: 'v1', kind: 'Pod', namespace: ns.name, selector: { matchLabels: { app: 'web' } } });
  const expectation = (fields: Partial<RequestCheck['expect']>) => ({ bodyContains: [], bodyExcludes: [], fields: [], ...fields }) as RequestCheck['expect'];

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await kubectl(['-n', ns.name, 'run', 'web-1', `--image=${image}`, '--labels=app=web']);
    await kubectl(['-n', ns.name, 'run', 'web-2', `--image=${image}`, '--labels=app=web']);
    await kubectl(['-n', ns.name, 'create', 'deployment', 'api', `--image=${image}`]);
  });
  afterAll(() => client?.close());

  it('passes a subresource patch refused by admission on every matching pod, naming the refuser', async () => {
    const verdict = await grade({ method: 'PATCH', patch: 'strategic', object: pods(), subresource: 'ephemeralcontainers', body: debugContainer({ privileged: true }), expect: expectation({ admission: 'refused' }) });
    expect(verdict.status, verdict.message).toBe('pass');
    expect(verdict.message).toContain(`all 2 requests are answered as expected: PATCH Pod ${ns.name}/web-1/ephemeralcontainers (server-side dry run) is answered 403, refused by Pod Security (baseline:latest): privileged`);
  });

  it('fails an admitted write and stores nothing of a dry run', async () => {
    const verdict = await grade({ method: 'PATCH', patch: 'strategic', object: pods(), subresource: 'ephemeralcontainers', body: debugContainer({}), expect: expectation({ admission: 'refused' }) });
    expect(verdict.status).toBe('fail');
    expect(verdict.message).toContain(`the API server admits PATCH Pod ${ns.name}/web-1/ephemeralcontainers (server-side dry run): nothing stops it`);
    const labelled = await grade({ method: 'PATCH', patch: 'merge', object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns.name, name: 'api' }, body: { metadata: { labels: { patched: 'yes' } } }, expect: expectation({ admission: 'admitted', fields: [{ path: 'metadata.labels.patched', op: 'equals', value: 'yes' }] }) });
    expect(labelled.status, labelled.message).toBe('pass');
    expect((await kubectl(['-n', ns.name, 'get', 'deployment', 'api', '-o', 'jsonpath={.metadata.labels}'])).stdout).not.toContain('patched');
  });

  it('judges an impersonated read by its status, and fails when nothing matches the object it names', async () => {
    const anonymous = { user: 'system:anonymous', groups: ['system:unauthenticated'] };
    const path = `/api/v1/namespaces/${ns.name}/secrets`;
    expect((await grade({ path, as: anonymous, expect: expectation({ status: [401, 403] }) })).status).toBe('pass');
    const admin = await grade({ path, expect: expectation({ status: [401, 403] }) });
    expect(admin.status).toBe('fail');
    expect(admin.message).toContain(`GET ${path} is answered 200; expected status 401 or 403`);
    const sa = await grade({ path, as: { serviceAccount: { namespace: ns.name, name: 'default' } }, expect: expectation({ status: 403, bodyContains: [`system:serviceaccount:${ns.name}:default`] }) });
    expect(sa.status, sa.message).toBe('pass');
    const gone = await grade({ object: { ...pods(), selector: { matchLabels: { app: 'gone' } } }, expect: expectation({ status: 200 }) });
    expect(gone).toMatchObject({ status: 'fail', message: expect.stringContaining('does not exist') });
  });

  it('sends a request with no credentials at all: the API server answers system:anonymous, as it answers curl', async () => {
    const path = `/api/v1/namespaces/${ns.name}/pods`;
    const refused = await grade({ path, credentials: 'none', expect: expectation({ status: 403, bodyContains: ['User \\"system:anonymous\\" cannot list resource \\"pods\\"'] }) });
    expect(refused.status, refused.message).toBe('pass');
    expect(refused.message).toContain(`GET ${path} with no credentials`);
    const ready = await grade({ path: '/readyz', credentials: 'none', expect: expectation({ status: 200, bodyContains: ['ok'] }) });
    expect(ready.status, ready.message).toBe('pass');
    await kubectl(['-n', ns.name, 'create', 'rolebinding', 'unauthenticated-view', '--clusterrole=view', '--group=system:unauthenticated']);
    try {
      const granted = await grade({ path, credentials: 'none', expect: expectation({ status: [401, 403] }) });
      expect(granted.status).toBe('fail');
      expect(granted.message).toContain(`GET ${path} with no credentials is answered 200; expected status 401 or 403`);
    } finally {
      await kubectl(['-n', ns.name, 'delete', 'rolebinding', 'unauthenticated-view']);
    }
    // The lab's own client keeps its credentials on the same connection pool.
    expect((await grade({ path, expect: expectation({ status: 200 }) })).status).toBe('pass');
  });

  it('is an error when the lab may not impersonate, or RBAC refuses its own dry run', async () => {
    const tester = await clientFor(requirePlane().testerKubeconfig);
    try {
      const impersonated = await grade({ path: `/api/v1/namespaces/${ns.name}/secrets`, as: { user: 'system:anonymous', groups: ['system:unauthenticated'] }, expect: expectation({ status: [401, 403] }) }, tester);
      expect(impersonated).toMatchObject({ status: 'error', message: expect.stringContaining('may not impersonate') });
      const own = await grade({ method: 'PATCH', patch: 'merge', path: `/apis/apps/v1/namespaces/${ns.name}/deployments/api`, body: { metadata: { labels: { x: 'y' } } }, expect: expectation({ admission: 'refused' }) }, tester);
      expect(own.status, own.message).toBe('error');
    } finally {
      tester.close();
    }
  });
});
