import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane, useNamespace } from '../setup/plane.js';

type AdmissionCheck = Extract<CheckSpec, { kind: 'admission-denied' }>;
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const image = 'registry.example/app:1';
const pod = (name: string, spec: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image }], ...spec } });
const deployment = (name: string, spec: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }], ...spec } } },
});

/**
 * admission-denied against the plane's real admission chain: every refuser
 * (Pod Security, a ValidatingAdmissionPolicy, an admission webhook, a quota, a
 * LimitRange) counts and is named, with the message shapes kube-apiserver
 * really sends; refusals that are not admission stay errors.
 */
describeWithPlane('admission-denied on the test plane', () => {
  const ns = useNamespace('admission', { 'pod-security.kubernetes.io/enforce': 'baseline' });
  let client: KubeClient;
  let dir: string;
  let webhook: Server;

  const grade = async (objects: object[][], extra: Partial<AdmissionCheck> = {}, as: KubeClient = client) => {
    const manifests: string[] = [];
    for (const [index, group] of objects.entries()) {
      const name = `attack-${index}.yaml`;
      await writeFile(join(dir, name), group.map((object) => stringify(object)).join('---\n'));
      manifests.push(name);
    }
    const spec = { id: 'refused', title: 'the attack is refused', kind: 'admission-denied', role: 'fix', hints, namespace: ns.name, manifests, ...extra } as AdmissionCheck;
    return runCheck(spec, { view: new ClusterView(as), scenario: { id: 'admission-test', dir, namespaces: [ns.name] } });
  };

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    dir = await mkdtemp(join(tmpdir(), 'admission-denied-'));
    // A real admission webhook on 127.0.0.1, serving with the plane's own certificate, refusing pods labelled webhook=deny.
    const serving = join(requirePlane().dir, 'pki', 'serving');
    webhook = createServer({ cert: await readFile(join(serving, 'apiserver.crt')), key: await readFile(join(serving, 'apiserver.key')) }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString()) as { request: { uid: string; object: { metadata?: { labels?: Record<string, string> } } } };
        const refuse = review.request.object.metadata?.labels?.webhook === 'deny';
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: !refuse, ...(refuse ? { status: { message: 'pods labelled webhook=deny are not welcome' } } : {}) } }));
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const port = (webhook.address() as AddressInfo).port;
    const policies = [
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: `${ns.name}-no-host-pid` },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
          validations: [{ expression: '!has(object.spec.hostPID) || !object.spec.hostPID', message: 'hostPID is not allowed' }],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: `${ns.name}-no-host-pid` },
        spec: { policyName: `${ns.name}-no-host-pid`, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns.name } } } },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: `${ns.name}-labels` },
        webhooks: [
          {
            name: 'labels.k8s-sec-lab.example',
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: Buffer.from(requirePlane().ca).toString('base64') },
            rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns.name } },
          },
        ],
      },
      { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'cpu', namespace: ns.name }, spec: { limits: [{ type: 'Container', max: { cpu: '500m' } }] } },
    ];
    await kubectl(['apply', '-f', '-'], { input: policies.map((object) => stringify(object)).join('---\n') });
    // Policies take effect asynchronously: wait until the policy refuses.
    for (let attempt = 0; attempt < 40; attempt++) {
      const verdict = await grade([[pod('probe', { hostPID: true })]]);
      if (verdict.message.includes('ValidatingAdmissionPolicy') && (await grade([[{ ...pod('probe'), metadata: { name: 'probe', labels: { webhook: 'deny' } } }]])).message.includes('webhook')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  afterAll(async () => {
    await kubectl(['delete', '--ignore-not-found', 'validatingadmissionpolicybinding,validatingadmissionpolicy', `${ns.name}-no-host-pid`]);
    await kubectl(['delete', '--ignore-not-found', 'validatingwebhookconfiguration', `${ns.name}-labels`]);
    webhook?.close();
    client?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names Pod Security as the refuser', async () => {
    const verdict = await grade([[pod('privileged', { containers: [{ name: 'app', image, securityContext: { privileged: true } }] })]]);
    expect(verdict.status, verdict.message).toBe('pass');
    expect(verdict.message).toBe(`the API server refuses Pod ${ns.name}/privileged: Pod Security (baseline:latest): privileged (container "app" must not set securityContext.privileged=true)`);
  });

  it('counts a ValidatingAdmissionPolicy refusal (a 422 Invalid) as refused, naming the policy and its binding', async () => {
    // hostPID fails baseline too, so the namespace is relaxed for this case: only the policy refuses.
    await kubectl(['label', '--overwrite', 'namespace', ns.name, 'pod-security.kubernetes.io/enforce=privileged']);
    try {
      const verdict = await grade([[pod('host-pid', { hostPID: true })]]);
      expect(verdict.status, verdict.message).toBe('pass');
      expect(verdict.message).toBe(`the API server refuses Pod ${ns.name}/host-pid: ValidatingAdmissionPolicy ${ns.name}-no-host-pid (binding ${ns.name}-no-host-pid): hostPID is not allowed`);
      // An author who asks for Pod Security gets a fail that says who refused instead, never an error.
      const wanted = await grade([[pod('host-pid', { hostPID: true })]], { reasonContains: 'PodSecurity' });
      expect(wanted.status).toBe('fail');
      expect(wanted.message).toContain(`but by ValidatingAdmissionPolicy ${ns.name}-no-host-pid`);
    } finally {
      await kubectl(['label', '--overwrite', 'namespace', ns.name, 'pod-security.kubernetes.io/enforce=baseline']);
    }
  });

  it('names an admission webhook, a LimitRange and a ResourceQuota as refusers', async () => {
    const byWebhook = await grade([[{ ...pod('labelled'), metadata: { name: 'labelled', labels: { webhook: 'deny' } } }]]);
    expect(byWebhook.message).toBe(`the API server refuses Pod ${ns.name}/labelled: admission webhook labels.k8s-sec-lab.example: pods labelled webhook=deny are not welcome`);
    const byLimitRange = await grade([[pod('greedy', { containers: [{ name: 'app', image, resources: { limits: { cpu: '2' } } }] })]]);
    expect(byLimitRange.message).toBe(`the API server refuses Pod ${ns.name}/greedy: a LimitRange: maximum cpu usage per Container is 500m, but limit is 2`);
    await kubectl(['-n', ns.name, 'create', 'quota', 'no-pods', '--hard=pods=0']);
    try {
      const byQuota = await grade([[pod('one-more')]]);
      expect(byQuota.status).toBe('pass');
      expect(byQuota.message).toBe(`the API server refuses Pod ${ns.name}/one-more: ResourceQuota no-pods: requested: pods=1, used: pods=0, limited: pods=0`);
    } finally {
      await kubectl(['-n', ns.name, 'delete', 'quota', 'no-pods']);
    }
  });

  it('says that a Deployment is admitted while its pods would be refused, and fails when both are admitted', async () => {
    const refusedPods = await grade([[pod('privileged', { containers: [{ name: 'app', image, securityContext: { privileged: true } }] })], [deployment('privileged', { containers: [{ name: 'app', image, securityContext: { privileged: true } }] })]]);
    expect(refusedPods.status, refusedPods.message).toBe('pass');
    expect(refusedPods.message).toContain(`the API server admits Deployment ${ns.name}/privileged itself (Pod Security judges pods, not their controllers), but refuses the pods it would create: Pod Security (baseline:latest)`);
    const itself = await grade([[deployment('privileged', { containers: [{ name: 'app', image, securityContext: { privileged: true } }] })]], { workloadItself: true });
    expect(itself.status).toBe('fail');
    expect(itself.message).toBe(`the API server admits Deployment ${ns.name}/privileged itself (server-side dry run) and refuses only the pods it would create (Pod Security (baseline:latest)): the Deployment is stored, and its controller fails later, quietly`);
    const admitted = await grade([[pod('privileged', { containers: [{ name: 'app', image, securityContext: { privileged: true } }] })], [deployment('plain', {})]]);
    expect(admitted.status).toBe('fail');
    expect(admitted.message).toBe(`the API server admits Deployment ${ns.name}/plain and the pods it would create (server-side dry runs): nothing stops the attacker from running it`);
  });

  it('fails an admitted pod, and reports refusals that are not admission as errors', async () => {
    expect((await grade([[pod('plain')]])).status).toBe('fail');
    const invalid = await grade([[{ ...pod('bad'), spec: { containers: [{ name: 'Not_Valid', image }] } }]]);
    expect(invalid.status).toBe('error');
    expect(invalid.message).toContain('refused, but not by admission (422 Invalid)');
    const tester = await clientFor(requirePlane().testerKubeconfig);
    try {
      const unauthorized = await grade([[pod('privileged', { containers: [{ name: 'app', image, securityContext: { privileged: true } }] })]], {}, tester);
      expect(unauthorized.status).toBe('error');
    } finally {
      tester.close();
    }
  });
});
