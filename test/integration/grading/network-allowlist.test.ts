import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { checkSchema, runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';

const namespace = 'grading-allowlist';
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const web = { pods: { namespace, selector: { matchLabels: { app: 'web' } } } };
const cache = { pods: { namespace, selector: { matchLabels: { app: 'cache' } } } };
const check = (extra: Record<string, unknown> = {}): CheckSpec =>
  checkSchema.parse({
    id: 'web-needs-cache',
    title: 'only web talks to cache, on TCP 6379, and it can',
    kind: 'network-allowlist',
    hints,
    pods: [{ namespace, selector: { matchLabels: { app: 'cache' } } }],
    direction: 'ingress',
    allowed: [],
    required: [{ from: web, to: cache, ports: [{ port: 6379 }] }],
    ...extra,
  });

const policy = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const cacheFromWeb = (protocol: string) =>
  policy('cache', {
    podSelector: { matchLabels: { app: 'cache' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol, port: 6379 }] }],
  });

describeWithPlane('network-allowlist on the test plane', () => {
  let client: KubeClient;
  const grade = (spec: CheckSpec, namespaces = [namespace]) => runCheck(spec, { view: new ClusterView(client), scenario: { id: 'allowlist-test', dir: '.', namespaces } });

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(['-n', namespace, 'create', 'deployment', 'web', '--image=registry.example/web:1', '--replicas=2']);
    await kubectl(['-n', namespace, 'create', 'deployment', 'cache', '--image=registry.example/cache:1', '--port=6379']);
    for (const app of ['web', 'cache']) await kubectl(['-n', namespace, 'rollout', 'status', `deployment/${app}`, '--timeout=60s']);
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    client.close();
  });
  beforeEach(async () => {
    await kubectl(['-n', namespace, 'delete', 'networkpolicy', '--all']);
    await kubectl(['-n', namespace, 'scale', 'deployment', 'web', '--replicas=2']);
  });

  it('passes when the live policies allow exactly the required flow, and fails on the first flow beyond it', async () => {
    const flat = await grade(check());
    expect(flat.status).toBe('fail');
    // web -> cache is listed (on TCP 6379), so a pair the allowlist says nothing about comes first.
    expect(flat.message).toMatch(
      /^kube-system\/coredns -> grading-allowlist\/cache-\S+ on All Connections is allowed, but the allowlist does not list it \(nor \d+ other flows that the policies allow\)\. Allowed\. No NetworkPolicy isolates egress of kube-system\/coredns, so it may send anything\. No NetworkPolicy isolates ingress of grading-allowlist\/cache-\S+, so it accepts anything\.$/,
    );

    await kubectl(['apply', '-f', '-'], { input: cacheFromWeb('TCP') });
    const verdict = await grade(check());
    expect(verdict.status, verdict.message).toBe('pass');
    expect(verdict.message).toMatch(/^every connection into pods app=cache in grading-allowlist is in the allowlist, and every required flow is allowed \(\d+ pairs judged: 3 live pods, new pods in 3 namespaces, 1 declared pods, 3 outside addresses\)$/);
  });

  it('fails a required flow that the policies deny, naming the protocol that is missing', async () => {
    await kubectl(['apply', '-f', '-'], { input: cacheFromWeb('UDP') });
    const verdict = await grade(check({ allowed: [{ from: web, to: cache, ports: [{ port: 6379, protocol: 'UDP' }] }] }));
    expect(verdict.status).toBe('fail');
    expect(verdict.message).toMatch(/^grading-allowlist\/web-\S+ -> grading-allowlist\/cache-\S+ on TCP 6379 is required, but denied\. Denied\. .*but only for UDP 6379/);
  });

  it('fails a required flow whose pods are gone: scaling the workload to zero is not a fix', async () => {
    await kubectl(['apply', '-f', '-'], { input: cacheFromWeb('TCP') });
    await kubectl(['-n', namespace, 'scale', 'deployment', 'web', '--replicas=0']);
    await expect.poll(async () => (await kubectl(['-n', namespace, 'get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trim(), { timeout: 30_000 }).toBe('');
    const verdict = await grade(check());
    expect(verdict.status).toBe('fail');
    expect(verdict.message).toBe(
      'nothing matches pods app=web in grading-allowlist, the source of the required flow pods app=web in grading-allowlist -> pods app=cache in grading-allowlist on TCP 6379 (deleting or scaling the workload to zero is not a fix)',
    );
  });

  it('reads policyTypes as the API server defaulted them: egress: [] alone leaves egress open', async () => {
    await kubectl(['apply', '-f', '-'], { input: policy('deny', { podSelector: {}, egress: [] }) });
    const egress = check({ pods: [{ namespace }], direction: 'egress', required: [] });
    const verdict = await grade(egress);
    expect(verdict.status).toBe('fail');
    expect(verdict.message).toContain('No NetworkPolicy isolates egress of grading-allowlist/');
    await kubectl(['apply', '-f', '-'], { input: policy('deny', { podSelector: {}, policyTypes: ['Egress'] }) });
    expect((await grade(egress)).status).toBe('pass');
  });

  it('shares its lists with the other checks of a run: a second check costs no request', async () => {
    const view = new ClusterView(client);
    const context = { view, scenario: { id: 'allowlist-test', dir: '.', namespaces: [namespace] } };
    const before = view.requestCount;
    await runCheck(check(), context);
    const first = view.requestCount - before;
    await runCheck(check({ direction: 'both' }), context);
    expect(view.requestCount - before).toBe(first);
    // Namespaces, pods and policies of the namespace, and the policies of kube-system (CoreDNS).
    expect(first).toBe(4);
  });

  it('reports a missing namespace as an error, never as a verdict', async () => {
    const verdict = await grade(check({ pods: [{ namespace: 'grading-allowlist-missing' }], required: [] }), []);
    expect(verdict.status).toBe('error');
    expect(verdict.message).toContain('does not exist');
  });
});
