import { beforeAll, expect, it } from 'vitest';
import { markCluster } from '../../../src/cluster/guard.js';
import { lintCatalogue } from '../../../tools/lint-scenarios/lint.js';
import { fixtureCatalogue } from '../../helpers/fixtures.js';
import { clientFor, labHarness, labWritesInAuditLog, type LabHarness } from '../setup/lab.js';
import { describeWithPlane, kubectl, planeCommandEnv, requirePlane } from '../setup/plane.js';

interface CheckJson {
  status: string;
  checks: { id: string; status: string; message: string; nextHint?: string }[];
  requests: number;
  durationMs: number;
}

describeWithPlane('scenario lifecycle on the test plane (fixture catalogue)', () => {
  let lab: LabHarness;

  beforeAll(async () => {
    const plane = requirePlane();
    const client = await clientFor(plane.kubeconfig);
    await markCluster(client, 'adopt');
    client.close();
    lab = await labHarness(plane.kubeconfig);
  });

  const check = async (id: string) => {
    const result = await lab.run(['check', id, '--json']);
    return { exitCode: result.exitCode, report: JSON.parse(result.stdout) as CheckJson };
  };

  it('start -> check fails -> fix by hand -> check passes -> reset -> check fails', async () => {
    const started = await lab.run(['start', 'fixable', '--yes']);
    expect(started.exitCode, started.stderr).toBe(0);

    const before = await check('fixable');
    expect(before.exitCode).toBe(1);
    expect(Object.fromEntries(before.report.checks.map((c) => [c.id, c.status]))).toEqual({
      'pods-restricted': 'fail',
      'namespace-enforces': 'fail',
      'privileged-refused': 'fail',
      'no-secret-reading': 'fail',
      'metadata-blocked': 'fail',
      'web-still-serves': 'pass',
      'web-answers': 'skipped',
    });

    // A fix that differs from the reference solution: kubectl label/patch/delete and a deny-all egress policy.
    await kubectl(['label', 'namespace', 'fx-app', 'pod-security.kubernetes.io/enforce=restricted', '--overwrite']);
    await kubectl(['-n', 'fx-app', 'patch', 'deployment', 'web', '--type=strategic', '-p', JSON.stringify(restrictedPatch)]);
    await kubectl(['-n', 'fx-app', 'delete', 'rolebinding', 'web-reads-secrets']);
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(denyAllEgress) });
    await kubectl(['-n', 'fx-app', 'rollout', 'status', 'deployment/web', '--timeout=60s']);

    await expect.poll(async () => (await check('fixable')).exitCode, { timeout: 20_000, interval: 500 }).toBe(0);
    expect((await lab.progress()).scenarios.fixable?.completedAt).toBeDefined();

    const reset = await lab.run(['reset', 'fixable', '--yes']);
    expect(reset.exitCode, reset.stderr).toBe(0);
    const after = await check('fixable');
    expect(after.exitCode).toBe(1);
    expect(after.report.checks.find((c) => c.id === 'namespace-enforces')?.status).toBe('fail');
  });

  it("tells a learner who scaled the app to zero that this is not a fix (the check's onFail)", async () => {
    await lab.run(['start', 'fixable', '--yes']);
    await kubectl(['-n', 'fx-app', 'scale', 'deployment', 'web', '--replicas=0']);
    await expect
      .poll(async () => (await check('fixable')).report.checks.find((c) => c.id === 'web-still-serves')?.message, { timeout: 15_000 })
      .toMatch(/^Deployment fx-app\/web: status\.availableReplicas is not set, expected >= 1\. Deleting or scaling the app to zero is not a fix\.$/);
    await kubectl(['-n', 'fx-app', 'scale', 'deployment', 'web', '--replicas=1']);
  });

  it('reveals hint rungs in order, records them, and stops at the exact command', async () => {
    await lab.run(['start', 'fixable', '--yes']);
    // Until the attack's flag is in, hints are for the attack.
    const attack = JSON.parse((await lab.run(['hint', 'fixable', '--json'])).stdout) as { for: string; check: string };
    expect(attack).toMatchObject({ for: 'attack', check: 'web-token' });
    const { stdout: token } = await kubectl(['-n', 'fx-app', 'get', 'secret', 'web-token', '-o', 'jsonpath={.data.token}']);
    expect((await lab.run(['submit', 'fixable', Buffer.from(token, 'base64').toString('utf8')])).exitCode).toBe(0);
    const rungs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const hint = JSON.parse((await lab.run(['hint', 'fixable', '--json'])).stdout) as { check: string; revealed: { rung: string }[] };
      expect(hint.check).toBe('pods-restricted');
      rungs.push(hint.revealed.length);
    }
    expect(rungs).toEqual([1, 2, 3, 3]);
    expect((await lab.progress()).scenarios.fixable?.hintsRevealed).toEqual({ 'flag:web-token': 1, 'pods-restricted': 3 });
    const { report } = await check('fixable');
    expect(report.checks.find((c) => c.id === 'pods-restricted')?.nextHint).toBeUndefined();
    expect(report.checks.find((c) => c.id === 'namespace-enforces')?.nextHint).toBe('nudge');
  });

  it('records solve as solved with the solution, not as completed', async () => {
    const other = await labHarness(requirePlane().kubeconfig);
    await other.run(['start', 'fixable', '--yes']);
    const solved = await other.run(['solve', 'fixable', '--yes']);
    expect(solved.exitCode, solved.stderr).toBe(0);
    expect((await other.run(['check', 'fixable'])).exitCode).toBe(0);
    const progress = (await other.progress()).scenarios.fixable;
    expect(progress?.solutionAppliedAt).toBeDefined();
    expect(progress?.completedAt).toBeUndefined();
    expect((await other.run(['status', '--json'])).stdout).toContain('"state": "solved"');
    await other.run(['reset', 'fixable', '--yes']);
  });

  it('grades read-only, with one LIST per kind and namespace', async () => {
    await lab.run(['start', 'fixable', '--yes']);
    const since = new Date();
    const { report } = await check('fixable');
    expect(await labWritesInAuditLog(requirePlane().auditLog, since)).toEqual([]);
    // One LIST each of namespaces, nodes, pods, network policies and the seven pod controllers
    // (Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs, CronJobs, ReplicationControllers,
    // whose templates pod-security judges too), shared by all seven checks, plus one
    // SubjectAccessReview and one dry-run create: never a request per pod.
    expect(report.requests).toBe(13);
  });

  it.each([
    ['always-pass', 0, 'pass'],
    ['wrong-refusal', 2, 'error'],
    ['missing-namespace', 2, 'error'],
  ] as const)('grades %s with exit code %i (%s)', async (id, exitCode, status) => {
    await lab.run(['start', id, '--yes']);
    const result = await check(id);
    expect(result.exitCode).toBe(exitCode);
    expect(result.report.status).toBe(status);
  });

  it('lints the catalogue: proves fixable starts failing and its solution passes, and flags the broken fixtures', async () => {
    const client = await clientFor(requirePlane().kubeconfig);
    try {
      const report = await lintCatalogue(fixtureCatalogue, client, () => {}, { replayEnv: await planeCommandEnv() });
      const problems = Object.fromEntries(report.scenarios.map((scenario) => [scenario.id, scenario.problems]));
      expect(report.ok).toBe(false);
      // fixable is correct but for its unpinned image, which the static rules catch.
      expect(problems.fixable).toEqual([
        'setup: Deployment web container "web" uses image "nginx:1.27.3", which is not pinned by digest (write image:tag@sha256:...)',
        'solution: Deployment web container "web" uses image "nginx:1.27.3", which is not pinned by digest (write image:tag@sha256:...)',
      ]);
      // Its attack's api step revealed the planted flag (else a replay problem would be listed above).
      expect(report.scenarios.find((scenario) => scenario.id === 'fixable')?.replayedSteps).toBe(1);
      expect(problems['always-pass']).toContain('after start the fix check settings-exist is pass, expected fail');
      expect(problems['wrong-refusal']?.[0]).toMatch(/^after start refused-by-psa could not be judged/);
      expect(problems['missing-namespace']?.[0]).toMatch(/^after start ghost-pods could not be judged: namespace "fx-ghost" does not exist/);
    } finally {
      client.close();
    }
  });

  it('explains a check that cannot be judged', async () => {
    const missing = await lab.run(['check', 'missing-namespace']);
    expect(missing.stdout).toContain('namespace "fx-ghost" does not exist');
    const wrong = await lab.run(['check', 'wrong-refusal']);
    expect(wrong.stdout).toContain('refused, but not by admission');
  });
});

const restrictedPatch = {
  spec: {
    template: {
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 101, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          { name: 'web', securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
        ],
      },
    },
  },
};

const denyAllEgress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny-all-egress', namespace: 'fx-app' },
  spec: { podSelector: {}, policyTypes: ['Egress'] },
};
