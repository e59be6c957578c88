import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { checkSchema, runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';

const namespace = 'grading-workload';
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const parse = (check: Record<string, unknown>): CheckSpec => checkSchema.parse({ id: 'w', title: 'w', hints, ...check });

describeWithPlane('workload and workload-running on the test plane', () => {
  let client: KubeClient;
  const grade = (spec: CheckSpec, view = new ClusterView(client)) => runCheck(spec, { view, scenario: { id: 'workload-test', dir: '.', namespaces: [namespace] } });

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(['-n', namespace, 'create', 'deployment', 'web', '--image=registry.example/web:1', '--replicas=2', '--', 'web', '--listen=0.0.0.0']);
    await kubectl(['-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    client.close();
  });

  it('judges the argv of pods and templates, and names the first container that breaks the expectation', async () => {
    const listens = (value: string) => parse({ kind: 'workload', namespaces: [namespace], expect: [{ path: 'argv', op: 'contains', value }] });
    expect((await grade(listens('--listen=0.0.0.0'))).status).toBe('pass');
    const verdict = await grade(listens('--listen=127.0.0.1'));
    expect(verdict.status).toBe('fail');
    expect(verdict.message).toMatch(/^Pod grading-workload\/web-\S+, container "web": argv is \["web","--listen=0.0.0.0"\], expected contains "--listen=127.0.0.1"$/);
  });

  it('with mustExist, fails when no pod or template carries the labels', async () => {
    const verdict = await grade(parse({ kind: 'workload', namespaces: [namespace], selector: { matchLabels: { app: 'gone' } }, mustExist: true, expect: [{ path: 'image', op: 'exists' }] }));
    expect(verdict).toMatchObject({ status: 'fail', message: `there are no pods and pod templates labelled app=gone in ${namespace}` });
  });

  it('workload-running: a rolled-out Deployment with enough available replicas passes, too few fails', async () => {
    const running = (minAvailable: number) => parse({ kind: 'workload-running', namespace, workload: { kind: 'Deployment', selector: { matchLabels: { app: 'web' } } }, minAvailable });
    const enough = await grade(running(2));
    expect(enough.status, enough.message).toBe('pass');
    const tooFew = await grade(running(3));
    expect(tooFew).toMatchObject({ status: 'fail', message: `2 available replicas of Deployment in ${namespace} whose pods are labelled app=web, need at least 3` });
  });

  it('reports a missing namespace as an error, and sends one LIST per kind however many checks read it', async () => {
    const missing = await runCheck(parse({ kind: 'workload', namespaces: ['grading-workload-missing'], expect: [{ path: 'image', op: 'exists' }] }), {
      view: new ClusterView(client),
      scenario: { id: 'x', dir: '.', namespaces: [] },
    });
    expect(missing.status).toBe('error');

    const view = new ClusterView(client);
    const before = view.requestCount;
    const check = parse({ kind: 'workload', namespaces: [namespace], expect: [{ path: 'image', op: 'exists' }] });
    await Promise.all([grade(check, view), grade(check, view), grade(parse({ kind: 'pod-security', pods: { namespace }, level: 'baseline', minPods: 0 }), view)]);
    // Namespaces and the eight kinds that run pods, whatever the number of checks.
    expect(view.requestCount - before).toBe(9);
  });
});
