import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane, useNamespace } from '../setup/plane.js';

type AllowedCheck = Extract<CheckSpec, { kind: 'admission-allowed' }>;
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const image = 'registry.example/app:1';
const pod = (name: string, container: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image, ...container }] } });
const deployment = (name: string, container: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image, ...container }] } } },
});

/**
 * admission-allowed against the plane's real admission chain: admitted means
 * the object and the pods a workload would create, and expectations hold on
 * what admission returns (LimitRange defaults applied).
 */
describeWithPlane('admission-allowed on the test plane', () => {
  const ns = useNamespace('allowed', { 'pod-security.kubernetes.io/enforce': 'baseline' });
  let client: KubeClient;
  let dir: string;

  const grade = async (objects: object[], extra: Partial<AllowedCheck> = {}, as: KubeClient = client) => {
    await writeFile(join(dir, 'legit.yaml'), objects.map((object) => stringify(object)).join('---\n'));
    const spec = { id: 'admitted', title: 'the legitimate objects are admitted', kind: 'admission-allowed', role: 'guard', hints, namespace: ns.name, manifest: 'legit.yaml', expect: [], ...extra } as AllowedCheck;
    return runCheck(spec, { view: new ClusterView(as), scenario: { id: 'admission-allowed-test', dir, namespaces: [ns.name] } });
  };

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    dir = await mkdtemp(join(tmpdir(), 'admission-allowed-'));
    const defaults = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: ns.name }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m' }, default: { cpu: '200m' } }] } };
    await kubectl(['apply', '-f', '-'], { input: stringify(defaults) });
  });
  afterAll(async () => {
    client?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes a pod and a Deployment that admission lets through', async () => {
    const verdict = await grade([pod('plain'), deployment('plain')]);
    expect(verdict.status, verdict.message).toBe('pass');
    expect(verdict.message).toBe(`the API server admits Pod ${ns.name}/plain (server-side dry run); the API server admits Deployment ${ns.name}/plain and the pods it would create (server-side dry run)`);
  });

  it('judges expectations on the pod as admitted, with the LimitRange defaults, even when a live pod has the same name', async () => {
    await kubectl(['-n', ns.name, 'run', 'bare', `--image=${image}`]);
    const cpu = await grade([pod('bare')], { expect: [{ path: 'spec.containers[*].resources.requests.cpu', op: 'equals', value: '100m' }] });
    expect(cpu.status, cpu.message).toBe('pass');
    const memory = await grade([deployment('bare')], { expect: [{ path: 'spec.containers[*].resources.limits.memory', op: 'exists' }] });
    expect(memory.status).toBe('fail');
    expect(memory.message).toContain(`the API server admits Deployment ${ns.name}/bare and the pods it would create, but as admitted spec.containers[0].resources.limits.memory is not set`);
  });

  it('fails a refused pod, naming the refuser, and a Deployment whose pods would be refused', async () => {
    const privileged = { securityContext: { privileged: true } };
    const refused = await grade([pod('privileged', privileged)]);
    expect(refused.status).toBe('fail');
    expect(refused.message).toBe(`the API server refuses Pod ${ns.name}/privileged: Pod Security (baseline:latest): privileged (container "app" must not set securityContext.privileged=true)`);
    const quiet = await grade([deployment('privileged', privileged)]);
    expect(quiet.status).toBe('fail');
    expect(quiet.message).toContain(`the API server refuses the pods of Deployment ${ns.name}/privileged: Pod Security (baseline:latest)`);
    expect(quiet.message).toContain('its controller could not create a single pod');
  });

  it('is an error when the lab cannot ask (RBAC refuses its own request) or the manifest is invalid', async () => {
    const invalid = await grade([{ ...pod('bad'), spec: { containers: [{ name: 'Not_Valid', image }] } }]);
    expect(invalid.status).toBe('error');
    const tester = await clientFor(requirePlane().testerKubeconfig);
    try {
      expect((await grade([pod('plain')], {}, tester)).status).toBe('error');
    } finally {
      tester.close();
    }
  });
});
