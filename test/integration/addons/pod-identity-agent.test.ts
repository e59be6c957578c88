import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifests/load.js';
import type { KubeObject } from '../../../src/model/k8s.js';
import { addonDir } from '../../../tools/pod-identity/server-configmap.js';
import { python3Available, skipWithoutIt } from '../../labs/imds/imds-harness.js';
import { AgentProcess, unsignedJwt } from '../../labs/pod-identity/agent-harness.js';
import { kubectl, plane, requirePlane, useNamespace } from '../setup/plane.js';

/**
 * The EKS Pod Identity Agent emulator's decision logic against the real API server of
 * the test control plane: TokenReview with the pods.eks.amazonaws.com audience (the
 * API server checks signature, expiry, audience and the bound pod), the associations
 * ConfigMap read with the add-on's own RBAC, and failing closed. The agent runs on
 * this machine on 127.0.0.1; only its address on the node (169.254.170.23) and the
 * pods' traffic to it need kind. The add-on's RBAC is applied as shipped, moved into
 * a namespace of this file's own so it runs beside the scenario tests.
 */
const pythonMissing = skipWithoutIt(python3Available(), 'EKS Pod Identity Agent emulator on the plane: python3 is not on PATH');
const AUDIENCE = 'pods.eks.amazonaws.com';
const REPORTS_ROLE = 'arn:aws:iam::123456789012:role/reports-s3-read';

describe.skipIf(plane === undefined || pythonMissing)('EKS Pod Identity Agent emulator against the test plane', () => {
  const agentNamespace = useNamespace('pod-identity');
  const workloads = useNamespace('reports');
  let dir: string;
  let agent: AgentProcess;
  let clusterObjects: string[] = [];

  /** The add-on's objects (not its DaemonSet or code), in this file's namespace, cluster-scoped names made unique. */
  async function addonRbac(): Promise<KubeObject[]> {
    const namespace = agentNamespace.name;
    const suffix = `-${namespace}`;
    const objects = (await loadManifests(addonDir, async () => '')).map((loaded) => loaded.object as KubeObject & Record<string, any>);
    return objects
      .filter((object) => object.kind !== 'DaemonSet' && object.metadata?.name !== 'pod-identity-server')
      .map((object) => {
        const copy = structuredClone(object);
        if (copy.kind!.startsWith('Cluster')) copy.metadata!.name += suffix;
        else copy.metadata!.namespace = namespace;
        if (copy.kind === 'ClusterRoleBinding') copy.roleRef.name += suffix;
        for (const subject of copy.subjects ?? []) subject.namespace = namespace;
        return copy;
      });
  }

  const token = async (account: string, namespace: string, extra: string[] = []) =>
    (await kubectl(['create', 'token', account, '-n', namespace, ...extra])).stdout.trim();
  const podToken = (account: string, namespace = workloads.name, extra: string[] = []) => token(account, namespace, ['--audience', AUDIENCE, ...extra]);
  const associate = (data: Record<string, string | null>) =>
    kubectl(['-n', agentNamespace.name, 'patch', 'configmap', 'pod-identity-associations', '--type', 'merge', '-p', JSON.stringify({ data })]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pod-identity-plane-'));
    const rbac = await addonRbac();
    clusterObjects = rbac.filter((object) => object.kind?.startsWith('Cluster')).map((object) => `${object.kind?.toLowerCase()}/${object.metadata?.name}`);
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: rbac }) });
    for (const account of ['reports', 'analyst']) await kubectl(['-n', workloads.name, 'create', 'serviceaccount', account]);
    await kubectl(['-n', agentNamespace.name, 'create', 'serviceaccount', 'reports']);
    await writeFile(join(dir, 'agent-token'), await token('eks-pod-identity-agent', agentNamespace.name));
    await writeFile(join(dir, 'ca.crt'), requirePlane().ca);
    agent = await AgentProcess.start({ apiServer: requirePlane().server, tokenFile: join(dir, 'agent-token'), caFile: join(dir, 'ca.crt'), associationsNamespace: agentNamespace.name });
  });
  afterAll(async () => {
    await agent?.stop();
    if (clusterObjects.length > 0) await kubectl(['delete', ...clusterObjects, '--ignore-not-found']);
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 403 for a valid token while no association names its service account', async () => {
    const response = await agent.call(await podToken('reports'));
    expect(response).toEqual({ status: 403, body: `no pod identity association for service account ${workloads.name}/reports\n` });
  });

  it('hands out fake credentials naming the associated role, read fresh from the ConfigMap on every request', async () => {
    await associate({ [`${workloads.name}.reports`]: REPORTS_ROLE });
    const response = await agent.call(await podToken('reports'));
    expect(response.status).toBe(200);
    const credentials = JSON.parse(response.body) as Record<string, string>;
    expect(Object.keys(credentials)).toEqual(['AccessKeyId', 'SecretAccessKey', 'Token', 'AccountId', 'Expiration']);
    expect(credentials.Token).toContain('assumed-role/reports-s3-read/');
    expect(credentials.Token).toMatch(/^FAKE-k8s-sec-lab-.*EXAMPLE$/);
    expect(credentials.AccountId).toBe('123456789012');
    const lifetimeHours = (Date.parse(credentials.Expiration!) - Date.now()) / 3_600_000;
    expect(lifetimeHours).toBeGreaterThan(5.9);
    expect(lifetimeHours).toBeLessThanOrEqual(6);
    // The log line follows the response.
    await expect.poll(() => agent.log).toContainEqual(expect.objectContaining({ status: 200, subject: `${workloads.name}/reports`, role: REPORTS_ROLE }));

    await associate({ [`${workloads.name}.reports`]: 'arn:aws:iam::123456789012:role/reports-archive' });
    expect((await agent.call(await podToken('reports'))).body).toContain('assumed-role/reports-archive/');
    await associate({ [`${workloads.name}.reports`]: null });
    expect((await agent.call(await podToken('reports'))).status).toBe(403);
  });

  it('gives nothing to other service accounts: another account of the namespace, default, or an account of the same name elsewhere', async () => {
    await associate({ [`${workloads.name}.reports`]: REPORTS_ROLE });
    for (const [account, namespace] of [['analyst', workloads.name], ['default', workloads.name], ['reports', agentNamespace.name]] as const) {
      const response = await agent.call(await podToken(account, namespace));
      expect(response.status, `${namespace}/${account}`).toBe(403);
      expect(response.body).toContain(`no pod identity association for service account ${namespace}/${account}`);
    }
  });

  it("refuses the pod's ordinary token (the API server's audience) and forged tokens with 401", async () => {
    await associate({ [`${workloads.name}.reports`]: REPORTS_ROLE });
    const ordinary = await agent.call(await token('reports', workloads.name));
    expect(ordinary.status).toBe(401);
    expect(ordinary.body).toContain(`is invalid for the target audiences ["${AUDIENCE}"]`);
    const forged = await agent.call(unsignedJwt({ iss: 'https://kubernetes.default.svc.cluster.local', aud: [AUDIENCE], sub: `system:serviceaccount:${workloads.name}:reports`, exp: 4102444800 }));
    expect(forged.status).toBe(401);
    expect(forged.body).not.toContain('AccessKeyId');
  });

  it('stops honouring a pod-bound token once its pod is gone, as the API server says', async () => {
    await associate({ [`${workloads.name}.reports`]: REPORTS_ROLE });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reports-0', namespace: workloads.name },
      spec: { serviceAccountName: 'reports', containers: [{ name: 'app', image: 'busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0' }] },
    };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    const bound = await podToken('reports', workloads.name, ['--bound-object-kind', 'Pod', '--bound-object-name', 'reports-0']);
    const response = await agent.call(bound);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).Token).toContain('assumed-role/reports-s3-read/eks-k8s-sec-lab-reports-0-EXAMPLE');
    await kubectl(['-n', workloads.name, 'delete', 'pod', 'reports-0', '--grace-period=0', '--force']);
    await expect.poll(async () => (await agent.call(bound)).status, { timeout: 30_000, interval: 500 }).toBe(401);
  });

  it('fails closed with 500, naming the key, when an association is not a role ARN', async () => {
    await associate({ [`${workloads.name}.reports`]: 'reports-s3-read' });
    const response = await agent.call(await podToken('reports'));
    expect(response.status).toBe(500);
    expect(response.body).toContain(`invalid association ${workloads.name}.reports in ConfigMap ${agentNamespace.name}/pod-identity-associations: 'reports-s3-read' is not an IAM role ARN`);
  });

  it('fails closed with 500 when its own identity may not create TokenReviews', async () => {
    await kubectl(['-n', agentNamespace.name, 'create', 'serviceaccount', 'no-rbac']);
    await writeFile(join(dir, 'no-rbac-token'), await token('no-rbac', agentNamespace.name));
    const powerless = await AgentProcess.start({ apiServer: requirePlane().server, tokenFile: join(dir, 'no-rbac-token'), caFile: join(dir, 'ca.crt'), associationsNamespace: agentNamespace.name });
    try {
      const response = await powerless.call(await podToken('reports'));
      expect(response.status).toBe(500);
      expect(response.body).toContain('could not validate the token: TokenReview answered 403');
    } finally {
      await powerless.stop();
    }
  });

  it("needs no more than the add-on grants: its account reads no Secrets and no other ConfigMap", async () => {
    const as = ['--as', `system:serviceaccount:${agentNamespace.name}:eks-pod-identity-agent`];
    const canI = async (...args: string[]) => (await kubectl(['auth', 'can-i', ...args, ...as], { reject: false })).stdout.trim();
    expect(await canI('create', 'tokenreviews.authentication.k8s.io')).toBe('yes');
    expect(await canI('get', 'configmap/pod-identity-associations', '-n', agentNamespace.name)).toBe('yes');
    expect(await canI('get', 'configmap/kube-root-ca.crt', '-n', agentNamespace.name)).toBe('no');
    expect(await canI('list', 'secrets', '-A')).toBe('no');
    expect(await canI('create', 'serviceaccounts/token', '-n', workloads.name)).toBe('no');
  });
});
