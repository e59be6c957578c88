import { expect, it } from 'vitest';
import type { CheckStatus } from '../../../src/grading/types.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectSettled, expectStatuses, messageOf, useScenario, type ScenarioHarness } from './harness.js';

const ns = 'team-b';
const ci = '--as=system:serviceaccount:team-b:team-b-ci';
const fixChecks = [
  'oversized-cpu-pod-refused',
  'oversized-memory-pod-refused',
  'huge-limits-pod-refused',
  'over-budget-pod-refused',
  'bare-pod-admitted-with-defaults',
  'loadbalancer-refused',
  'nodeport-refused',
] as const;
const guards = { 'report-builder-still-runs': 'pass', 'checkout-still-runs': 'pass' } as const;
const vulnerable: Record<string, CheckStatus> = { ...Object.fromEntries(fixChecks.map((id) => [id, 'fail'])), ...guards };
const fixed: Record<string, CheckStatus> = { ...Object.fromEntries(fixChecks.map((id) => [id, 'pass'])), ...guards };

function failing(...ids: (typeof fixChecks)[number][]): Record<string, CheckStatus> {
  return { ...fixed, ...Object.fromEntries(ids.map((id) => [id, 'fail'])) };
}

const defaults = {
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'defaults', namespace: ns },
  spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '256Mi' } }] },
};

function quota(name: string, hard: Record<string, string>, namespace = ns, extra: object = {}) {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace }, spec: { hard, ...extra } };
}

const compute = { pods: '20', 'requests.cpu': '2', 'requests.memory': '4Gi', 'limits.cpu': '4', 'limits.memory': '8Gi' };
const noServices = { 'services.loadbalancers': '0', 'services.nodeports': '0' };

describeWithPlane('scenario resource-quota on the test plane', () => {
  const lab = useScenario('resource-quota');
  const apply = (...objects: object[]) => lab.apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));

  it('starts vulnerable: team-b may reserve anything, and the guardrail only warns', async () => {
    const flags = await lab.reset();
    const report = await lab.grade();
    expectStatuses(report, vulnerable);
    expect(messageOf(report, 'oversized-cpu-pod-refused')).toContain('the API server admits Pod team-b/oversized-cpu');
    expect(messageOf(report, 'bare-pod-admitted-with-defaults')).toContain('the API server admits Pod team-b/declares-nothing, but as admitted spec.containers[0].resources.requests.cpu is not set');
    const scale = await lab.kubectl(['-n', ns, 'scale', 'deployment', 'report-builder', '--replicas=300', '--dry-run=server', ci]);
    expect(flags.get('guardrail-warning')).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);
    expect(scale.stderr).toContain(`CAP-7: 300 replicas need a capacity review first (tracking tag ${flags.get('guardrail-warning')})`);
    expect(scale.stdout).toBe('deployment.apps/report-builder scaled (server dry run)');
  });

  it('passes with the reference solution: pods that declare nothing get the defaults, and a runaway stops at the quota', async () => {
    await lab.solve();
    const report = await expectSettled(lab, fixed);
    expect(messageOf(report, 'oversized-cpu-pod-refused')).toContain('maximum cpu usage per Container is 1, but limit is 8');
    expect(messageOf(report, 'loadbalancer-refused')).toBe('the API server refuses Service team-b/reports-public: ResourceQuota team-b: requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0');
    expect(messageOf(report, 'over-budget-pod-refused')).toContain('the API server refuses Pod team-b/over-budget: ResourceQuota team-b: requested: requests.cpu=3');

    // The runaway replayed for real: its ReplicaSet records FailedCreate "exceeded quota" (graded once a
    // probe-object kind can create and remove such a replay itself; see the design note).
    await lab.kubectl(['-n', ns, 'scale', 'deployment', 'report-builder', '--replicas=60', ci]);
    await expect
      .poll(async () => (await lab.kubectl(['-n', ns, 'get', 'events', '--field-selector', 'reason=FailedCreate,involvedObject.kind=ReplicaSet', '-o', 'jsonpath={.items[*].message}'])).stdout, { timeout: 20_000, interval: 500 })
      .toContain('exceeded quota: team-b');
    const pods = await lab.kubectl(['-n', ns, 'get', 'pods', '-l', 'app=report-builder', '--no-headers']);
    // The 2 pods from before the quota declare no limits and count for nothing; 8 new ones at the
    // default limit of 500m fill limits.cpu 4, and the next one would exceed it.
    expect(pods.stdout.trim().split('\n')).toHaveLength(10);
    await lab.kubectl(['-n', ns, 'scale', 'deployment', 'report-builder', '--replicas=2']);
  });

  it('passes with the hint ladder: the quota and the LimitRange of the command rungs', async () => {
    await lab.reset();
    for (const id of ['oversized-cpu-pod-refused', 'report-builder-still-runs']) {
      const command = lab.scenario.checks.find((check) => check.id === id)?.hints.command ?? '';
      const manifest = command.match(/<<'EOF'\n([\s\S]*?)\nEOF/)?.[1];
      if (!manifest) throw new Error(`the command rung of ${id} holds no manifest`);
      await lab.apply(manifest);
    }
    await expectSettled(lab, fixed);
  });

  it('passes with kubectl create quota, a second quota for Services, and defaults without a maximum', async () => {
    await lab.reset();
    await lab.kubectl(['-n', ns, 'create', 'quota', 'compute', '--hard=pods=20,requests.cpu=2,requests.memory=4Gi,limits.cpu=4,limits.memory=8Gi']);
    await lab.kubectl(['-n', ns, 'create', 'quota', 'services', '--hard=services=10,services.loadbalancers=0,services.nodeports=0']);
    await apply(defaults);
    const report = await expectSettled(lab, fixed);
    // Without a LimitRange maximum, the quota itself refuses the big pods.
    expect(messageOf(report, 'oversized-cpu-pod-refused')).toContain('the API server refuses Pod team-b/oversized-cpu: ResourceQuota compute: requested: limits.cpu=8,requests.cpu=8');
  });

  it('passes with a compute quota plus a ValidatingAdmissionPolicy that refuses LoadBalancer and NodePort Services', async () => {
    await lab.reset();
    await apply(
      quota('compute', compute),
      defaults,
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'team-b-service-types', labels: labLabels },
        spec: {
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }] },
          validations: [{ expression: "!has(object.spec.type) || object.spec.type in ['ClusterIP', 'ExternalName']", message: 'team-b may only create ClusterIP Services' }],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'team-b-service-types', labels: labLabels },
        spec: { policyName: 'team-b-service-types', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } } },
      },
    );
    const report = await expectSettled(lab, fixed);
    expect(messageOf(report, 'nodeport-refused')).toBe('the API server refuses Service team-b/reports-nodeport: ValidatingAdmissionPolicy team-b-service-types (binding team-b-service-types): team-b may only create ClusterIP Services');
  });

  it('fails a quota in team-a instead of team-b', async () => {
    await lab.reset();
    await apply(quota('compute', { ...compute, ...noServices }, 'team-a'));
    // team-a is capped now: the guard still passes, since checkout fits, and nothing about team-b changed.
    await settleAfterChange(lab, vulnerable);
  });

  it('fails a quota on the pod count alone: one pod can still reserve a node', async () => {
    await lab.reset();
    await apply(quota('pods', { pods: '20', ...noServices }), defaults);
    await expectSettled(lab, failing('oversized-cpu-pod-refused', 'oversized-memory-pod-refused', 'huge-limits-pod-refused', 'over-budget-pod-refused'));
  });

  it('fails a quota on CPU requests alone: memory and limits stay open', async () => {
    await lab.reset();
    await apply(quota('cpu', { 'requests.cpu': '2', ...noServices }), defaults);
    await expectSettled(lab, failing('oversized-memory-pod-refused', 'huge-limits-pod-refused'));
  });

  it('fails a quota on requests only: huge limits get in', async () => {
    await lab.reset();
    await apply(quota('requests', { pods: '20', 'requests.cpu': '2', 'requests.memory': '4Gi', ...noServices }), defaults);
    const report = await expectSettled(lab, failing('huge-limits-pod-refused'));
    expect(messageOf(report, 'huge-limits-pod-refused')).toContain('the API server admits Pod team-b/huge-limits');
  });

  it('fails services.nodeports: 0 alone: a LoadBalancer without NodePorts gets in', async () => {
    await lab.reset();
    await apply(quota('compute', { ...compute, 'services.nodeports': '0' }), defaults);
    await expectSettled(lab, failing('loadbalancer-refused'));
  });

  it('fails a quota scoped to BestEffort pods: the pods that reserve resources are not counted', async () => {
    await lab.reset();
    await apply(quota('best-effort', { pods: '20' }, ns, { scopes: ['BestEffort'] }), quota('services', noServices), defaults);
    await expectSettled(lab, failing('oversized-cpu-pod-refused', 'oversized-memory-pod-refused', 'huge-limits-pod-refused', 'over-budget-pod-refused'));
  });

  it('fails a quota without a LimitRange: pods that declare nothing, like the report builder\'s next rollout, are refused', async () => {
    await lab.reset();
    await apply(quota('compute', { ...compute, ...noServices }));
    const report = await expectSettled(lab, failing('bare-pod-admitted-with-defaults'));
    expect(messageOf(report, 'bare-pod-admitted-with-defaults')).toContain('the API server refuses Pod team-b/declares-nothing: ResourceQuota compute: must specify limits.cpu for: builder');
    expect(messageOf(report, 'bare-pod-admitted-with-defaults')).toContain('Without defaults, a quota on requests and limits refuses every pod that declares none');
  });

  it('fails a per-container LimitRange maximum without a quota on the total: one pod of small containers takes more than the budget', async () => {
    await lab.reset();
    const maximum = { ...defaults, spec: { limits: [{ type: 'Container', max: { cpu: '1', memory: '1Gi' } }] } };
    await apply(maximum, quota('services', noServices));
    const report = await expectSettled(lab, failing('over-budget-pod-refused'));
    expect(messageOf(report, 'over-budget-pod-refused')).toBe(
      'the API server admits Pod team-b/over-budget (server-side dry run): nothing stops the attacker from creating it. A per-container maximum caps each container, not the namespace; many small containers or pods still take everything.',
    );
  });

  it('fails the capacity guardrail switched to Deny: it caps replica counts, not what each replica reserves', async () => {
    await lab.reset();
    await lab.kubectl(['patch', 'validatingadmissionpolicybinding', 'capacity-guardrail', '--type=merge', '-p', '{"spec":{"validationActions":["Deny"]}}']);
    await settleAfterChange(lab, vulnerable);
  });

  it('fails the guard when the report builder is scaled to zero', async () => {
    await lab.solve();
    await lab.kubectl(['-n', ns, 'scale', 'deployment', 'report-builder', '--replicas=0']);
    const report = await expectSettled(lab, { ...fixed, 'report-builder-still-runs': 'fail' });
    expect(messageOf(report, 'report-builder-still-runs')).toContain('deleting or scaling the app removes the work with the risk');
  });

  // Waiting for a probe-object kind (a lab-owned replay created, observed and removed by the check):
  it.todo('fails a pod-size cap without a pod-count or total cap: a runaway of many small pods still fills the nodes (probe ReplicaSet, its FailedCreate events)');
  it.todo("fails when the attack's 300 replicas are left running: team-a cannot schedule (probe pod from checkout's template)");
});

const labLabels = { 'app.kubernetes.io/managed-by': 'k8s-sec-lab', 'k8s-sec-lab.io/scenario': 'resource-quota' };

/** For a change that must leave the given statuses: wait out the settle time, then assert. */
async function settleAfterChange(lab: ScenarioHarness, expected: Record<string, CheckStatus>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expectStatuses(await lab.grade(), expected);
}
