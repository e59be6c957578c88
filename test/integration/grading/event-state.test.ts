import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';

const namespace = 'grading-event-state';
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const check = (extra: Partial<Extract<CheckSpec, { kind: 'event-state' }>>): CheckSpec => ({
  id: 'refused',
  title: 'the ReplicaSet reports that Pod Security refuses its pods',
  kind: 'event-state',
  role: 'fix',
  hints,
  namespace,
  about: { kind: 'ReplicaSet', ownedBy: { kind: 'Deployment', name: 'privileged-app' } },
  reason: 'FailedCreate',
  messageContains: 'violates PodSecurity',
  expect: 'present',
  ...extra,
});

describeWithPlane('event-state on the test plane', () => {
  let client: KubeClient;
  const grade = (spec: CheckSpec) => runCheck(spec, { view: new ClusterView(client), scenario: { id: 'event-state-test', dir: '.', namespaces: [namespace] } });

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
    // Admitted as a Deployment; its ReplicaSet's pods are refused by Pod Security.
    await kubectl(['-n', namespace, 'create', 'deployment', 'privileged-app', '--image=registry.example/app:1']);
    for (let attempt = 0; attempt < 60; attempt++) {
      const events = await kubectl(['-n', namespace, 'get', 'events', '--field-selector', 'reason=FailedCreate', '-o', 'name']);
      if (events.stdout.trim()) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    client.close();
  });

  it("finds the FailedCreate event of a Deployment's ReplicaSet", async () => {
    const verdict = await grade(check({}));
    expect(verdict.status, verdict.message).toBe('pass');
    expect(verdict.message).toContain('violates PodSecurity');
  });

  it('fails when the event says something else, or belongs to another Deployment', async () => {
    expect((await grade(check({ messageContains: 'exceeded quota' }))).status).toBe('fail');
    expect((await grade(check({ about: { kind: 'ReplicaSet', ownedBy: { kind: 'Deployment', name: 'other-app' } } }))).status).toBe('fail');
  });

  it('with expect: absent, fails while the event is there', async () => {
    const verdict = await grade(check({ expect: 'absent' }));
    expect(verdict.status).toBe('fail');
  });

  it('reports a missing namespace as an error, never as a verdict', async () => {
    const verdict = await runCheck(check({ namespace: 'grading-event-state-missing' }), { view: new ClusterView(client), scenario: { id: 'x', dir: '.', namespaces: [] } });
    expect(verdict.status).toBe('error');
  });
});
