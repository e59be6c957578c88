import { describe, expect, it } from 'vitest';
import type { CheckStatus, GradeReport } from '../../../src/grading/types.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario, type ScenarioHarness } from './harness.js';

const ns = 'node-monitoring';

/** Every check of the scenario, as the setup leaves it: attack open, agent running. */
const vulnerable: Record<string, CheckStatus> = {
  'agent-pods-restricted': 'fail',
  'namespace-enforces-restricted': 'fail',
  'bad-pod-refused': 'fail',
  'root-pod-refused': 'fail',
  'agent-read-only-root': 'fail',
  // The test plane's kwok nodes have no container runtime: the live replays are proven on kind.
  'node-escape-blocked': 'skipped',
  'agent-still-running': 'pass',
  'agent-serves-metrics': 'skipped',
};

const fixed: Record<string, CheckStatus> = {
  ...vulnerable,
  'agent-pods-restricted': 'pass',
  'namespace-enforces-restricted': 'pass',
  'bad-pod-refused': 'pass',
  'root-pod-refused': 'pass',
  'agent-read-only-root': 'pass',
};

describeWithPlane('scenario privileged-pod on the test plane', () => {
  const lab = useScenario('privileged-pod');

  it('starts vulnerable: every fix check fails, the guard passes, live probes are skipped', async () => {
    await lab.reset();
    const report = await lab.grade();
    expectStatuses(report, vulnerable);
    const pods = messageOf(report, 'agent-pods-restricted');
    expect(pods).toMatch(/^Pod node-monitoring\/node-agent-\S+ meets only privileged: /);
    expect(violationsIn(pods)).toEqual(expect.arrayContaining(['privileged', 'hostNamespaces', 'hostPathVolumes', 'runAsNonRoot']));
    expect(messageOf(report, 'bad-pod-refused')).toContain('the API server admits Pod node-monitoring/everything-allowed');
  });

  it('passes with the reference solution', async () => {
    await lab.solve();
    expectStatuses(await lab.grade(), fixed);
  });

  it('passes with the hint ladder: the JSON patch of the pod template and kubectl label', async () => {
    await lab.reset();
    // The exact commands of the "command" rungs, as a learner pastes them.
    await lab.kubectl(['-n', ns, 'patch', 'daemonset', 'node-agent', '--type=json', '-p', commandRungPatch(lab)]);
    await lab.kubectl(['-n', ns, 'rollout', 'status', 'daemonset/node-agent', '--timeout=60s']);
    await lab.kubectl(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
    await expectEventually(lab, fixed);
  });

  it('passes with kubectl replace of a differently hardened DaemonSet and a Namespace applied from a file', async () => {
    await lab.reset();
    // Container-level seccomp and runAsNonRoot, another UID, no emptyDir: restricted all the same.
    await lab.kubectl(['replace', '-f', '-'], { input: JSON.stringify(alternativeDaemonSet) });
    await lab.kubectl(['-n', ns, 'rollout', 'status', 'daemonset/node-agent', '--timeout=60s']);
    await lab.apply(JSON.stringify(restrictedNamespace));
    await expectEventually(lab, fixed);
  });

  it('fails when only the namespace is labelled, then when the DaemonSet is deleted', async () => {
    await lab.reset();
    const labelled = await lab.kubectl(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
    // Pod Security admission warns about the agents it will not touch.
    expect(labelled.stderr).toContain('node-agent');

    let report = await lab.grade();
    expectStatuses(report, { ...fixed, 'agent-pods-restricted': 'fail', 'agent-read-only-root': 'fail' });
    // The running pods kept their spec: the message names the pod, the check and the field.
    const pods = messageOf(report, 'agent-pods-restricted');
    expect(pods).toMatch(/^Pod node-monitoring\/node-agent-\S+ meets only privileged: hostNamespaces: hostPID=true /);
    expect(violationsIn(pods)).toEqual(expect.arrayContaining(['privileged', 'hostNamespaces', 'hostPathVolumes']));
    expect(messageOf(report, 'agent-read-only-root')).toContain('readOnlyRootFilesystem');

    // "Then I will just delete the privileged workload": the guard says it is not a fix.
    await lab.kubectl(['-n', ns, 'delete', 'daemonset', 'node-agent', '--wait=true']);
    // The garbage collector removes the agent pods shortly after their DaemonSet.
    await expect
      .poll(async () => messageOf((report = await lab.grade()), 'agent-pods-restricted'), { timeout: 30_000, interval: 500 })
      .toContain('found 0 pods');
    expect(statusOf(report, 'agent-still-running')).toBe('fail');
    expect(messageOf(report, 'agent-still-running')).toBe(
      'DaemonSet node-monitoring/node-agent does not exist. Deleting the agent, or scheduling it nowhere, removes the monitoring along with the risk; harden it instead.',
    );
    expect(messageOf(report, 'agent-pods-restricted')).toContain('found 0 pods matching app=node-agent in node-monitoring, need at least 1');
  });

  it('fails when privileged is dropped but hostPID and the hostPath mount stay', async () => {
    await lab.reset();
    await lab.kubectl([
      '-n', ns, 'patch', 'daemonset', 'node-agent', '--type=json',
      '-p', '[{"op": "replace", "path": "/spec/template/spec/containers/0/securityContext/privileged", "value": false}]',
    ]);
    await lab.kubectl(['-n', ns, 'rollout', 'status', 'daemonset/node-agent', '--timeout=60s']);
    await lab.kubectl(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=baseline']);

    const report = await lab.grade();
    expectStatuses(report, {
      ...fixed,
      'agent-pods-restricted': 'fail',
      'namespace-enforces-restricted': 'fail',
      'root-pod-refused': 'fail',
      'agent-read-only-root': 'fail',
    });
    // The first thing left is the shared PID namespace, then the node's disk.
    expect(messageOf(report, 'agent-pods-restricted')).toMatch(
      /^Pod node-monitoring\/node-agent-\S+ meets only privileged: hostNamespaces: hostPID=true shares the node's process \(PID\) namespace/,
    );
    const left = violationsIn(messageOf(report, 'agent-pods-restricted'));
    expect(left).toContain('hostPathVolumes');
    expect(left).not.toContain('privileged');
    expect(messageOf(report, 'namespace-enforces-restricted')).toContain('"baseline"');
  });

  it('fails on namespace labels that do not enforce restricted, with the agent hardened', async () => {
    await lab.reset();
    await lab.kubectl(['replace', '-f', '-'], { input: JSON.stringify(alternativeDaemonSet) });
    await lab.kubectl(['-n', ns, 'rollout', 'status', 'daemonset/node-agent', '--timeout=60s']);

    // baseline: the everything-allowed pod bounces, a plain root pod does not.
    await lab.kubectl(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=baseline']);
    let report = await lab.grade();
    expectStatuses(report, { ...fixed, 'namespace-enforces-restricted': 'fail', 'root-pod-refused': 'fail' });
    expect(messageOf(report, 'namespace-enforces-restricted')).toContain('metadata.labels["pod-security.kubernetes.io/enforce"] is "baseline", expected the label pod-security.kubernetes.io/enforce=restricted');
    expect(messageOf(report, 'root-pod-refused')).toBe(
      'the API server admits Pod node-monitoring/root-shell (server-side dry run): nothing stops the attacker from creating it',
    );

    // warn and audit only report; enforce is back to privileged, so both attack pods get in.
    await lab.kubectl([
      'label', '--overwrite', 'namespace', ns,
      'pod-security.kubernetes.io/enforce=privileged', 'pod-security.kubernetes.io/warn=restricted', 'pod-security.kubernetes.io/audit=restricted',
    ]);
    report = await lab.grade();
    expectStatuses(report, { ...fixed, 'namespace-enforces-restricted': 'fail', 'bad-pod-refused': 'fail', 'root-pod-refused': 'fail' });
    expect(messageOf(report, 'namespace-enforces-restricted')).toContain('is "privileged"');
    expect(messageOf(report, 'bad-pod-refused')).toContain('the API server admits Pod node-monitoring/everything-allowed');
  });

  it('fails deleting the node-monitoring namespace: the scenario is started, so that is a cheat, not "start it first"', async () => {
    await lab.reset();
    await lab.kubectl(['delete', 'namespace', ns, '--wait=false']);
    const report = await lab.grade();
    expectStatuses(report, { 'agent-pods-restricted': 'fail', 'bad-pod-refused': 'fail', 'root-pod-refused': 'fail', 'agent-still-running': 'fail', 'node-escape-blocked': 'fail' });
    expect(messageOf(report, 'bad-pod-refused')).toContain(`namespace "${ns}" is gone, but the scenario is started: deleting namespace ${ns} is not a fix`);
    expect(report.checks.filter((check) => check.status === 'error')).toEqual([]);
  });

  describe('a ValidatingAdmissionPolicy instead of (or besides) the Pod Security label', () => {
    const name = 'k8s-sec-lab-test-node-monitoring';
    const noHostAccess =
      '!(has(object.spec.hostPID) && object.spec.hostPID) && !(has(object.spec.hostNetwork) && object.spec.hostNetwork) && ' +
      'object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged) && ' +
      '(!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath)))';
    const nonRoot =
      '(has(object.spec.securityContext) && has(object.spec.securityContext.runAsNonRoot) && object.spec.securityContext.runAsNonRoot) || ' +
      'object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) && c.securityContext.runAsNonRoot)';
    const applyPolicy = (validations: { expression: string; message: string }[], validationActions: string[] = ['Deny']) =>
      lab.apply(
        [
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingAdmissionPolicy',
            metadata: { name },
            spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] }, validations },
          },
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingAdmissionPolicyBinding',
            metadata: { name },
            spec: { policyName: name, validationActions, matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } } },
          },
        ]
          .map((object) => JSON.stringify(object))
          .join('\n---\n'),
      );
    const removePolicy = () => lab.kubectl(['delete', '--ignore-not-found', 'validatingadmissionpolicybinding,validatingadmissionpolicy', name]);
    /** A policy takes effect a moment after it is stored: grade until the check's status is the one expected. */
    const gradeUntil = async (id: string, status: CheckStatus): Promise<GradeReport> => {
      let report = await lab.grade();
      for (let attempt = 0; attempt < 60 && statusOf(report, id) !== status; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        report = await lab.grade();
      }
      return report;
    };

    it('passes the admission checks when only a policy refuses the attack pods, naming it; the label check still fails', async () => {
      await lab.reset();
      try {
        await applyPolicy([{ expression: noHostAccess, message: 'no host namespaces, privileged containers or hostPath here' }]);
        let report = await gradeUntil('bad-pod-refused', 'pass');
        expectStatuses(report, { ...vulnerable, 'bad-pod-refused': 'pass' });
        expect(messageOf(report, 'bad-pod-refused')).toContain(`the API server refuses Pod ${ns}/everything-allowed: ValidatingAdmissionPolicy ${name} (binding ${name}): no host namespaces`);
        expect(messageOf(report, 'bad-pod-refused')).toContain(`the API server admits DaemonSet ${ns}/everything-allowed itself (its controller creates the pods later), but refuses the pods it would create: ValidatingAdmissionPolicy ${name}`);
        // A root pod with none of that is still admitted: the policy covers less than restricted.
        expect(messageOf(report, 'root-pod-refused')).toContain('the API server admits Pod node-monitoring/root-shell');

        await applyPolicy([
          { expression: noHostAccess, message: 'no host namespaces, privileged containers or hostPath here' },
          { expression: nonRoot, message: 'pods here must set runAsNonRoot' },
        ]);
        report = await gradeUntil('root-pod-refused', 'pass');
        expectStatuses(report, { ...vulnerable, 'bad-pod-refused': 'pass', 'root-pod-refused': 'pass' });
        expect(messageOf(report, 'root-pod-refused')).toBe(`the API server refuses Pod ${ns}/root-shell: ValidatingAdmissionPolicy ${name} (binding ${name}): pods here must set runAsNonRoot`);
      } finally {
        await removePolicy();
      }
    });

    it('fails a policy bound only to warn and audit: it refuses nothing', async () => {
      await lab.reset();
      try {
        await applyPolicy([{ expression: noHostAccess, message: 'no host access' }], ['Warn', 'Audit']);
        // Give the policy time to load, then confirm it still admits.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const report = await lab.grade();
        expectStatuses(report, vulnerable);
        expect(messageOf(report, 'bad-pod-refused')).toContain('the API server admits Pod node-monitoring/everything-allowed');
      } finally {
        await removePolicy();
      }
    });

    it('passes with the label and a policy both in place, whichever refuses first', async () => {
      await lab.solve();
      try {
        await applyPolicy([{ expression: noHostAccess, message: 'no host access' }]);
        const report = await gradeUntil('bad-pod-refused', 'pass');
        expectStatuses(report, fixed);
        expect(messageOf(report, 'bad-pod-refused')).toMatch(/refuses Pod node-monitoring\/everything-allowed: (Pod Security|ValidatingAdmissionPolicy)/);
      } finally {
        await removePolicy();
      }
    });
  });
});

/** The Pod Security checks a pod-security failure names: the first one, then "(and N more: a, b)". */
function violationsIn(message: string): string[] {
  const first = message.match(/meets only \w+: (\w+):/)?.[1];
  const more = message.match(/\(and \d+ more: ([^)]*)\)/)?.[1]?.split(', ') ?? [];
  return first ? [first, ...more] : more;
}

function statusOf(report: GradeReport, id: string): CheckStatus | undefined {
  return report.checks.find((check) => check.id === id)?.status;
}

/** Grades until the expected statuses hold (a DaemonSet rollout takes a moment), then asserts them with messages. */
async function expectEventually(lab: ScenarioHarness, expected: Record<string, CheckStatus>): Promise<void> {
  const matches = (report: GradeReport) => Object.entries(expected).every(([id, status]) => statusOf(report, id) === status);
  let last: GradeReport | undefined;
  await expect
    .poll(async () => matches((last = await lab.grade())), { timeout: 30_000, interval: 500 })
    .toBe(true)
    .catch(() => undefined);
  expectStatuses(last ?? (await lab.grade()), expected);
}

/** The JSON patch of the agent-pods-restricted "command" rung, taken from scenario.yaml so the hint itself is tested. */
function commandRungPatch(lab: ScenarioHarness): string {
  const check = lab.scenario.checks.find((candidate) => candidate.id === 'agent-pods-restricted');
  const patch = check?.hints.command.match(/-p '(\[[\s\S]*?\])'/)?.[1];
  if (!patch) throw new Error('the command rung of agent-pods-restricted holds no JSON patch');
  return patch;
}

const restrictedNamespace = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: ns,
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
  },
};

const image = 'python:3.13-alpine@sha256:79e7a9b9ff1cbceff819f856fb374477792a5967759d94df266de7b7b4120e6f';

const alternativeDaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'node-agent', namespace: ns, labels: { app: 'node-agent' } },
  spec: {
    selector: { matchLabels: { app: 'node-agent' } },
    template: {
      metadata: { labels: { app: 'node-agent' } },
      spec: {
        tolerations: [{ operator: 'Exists' }],
        containers: [
          {
            name: 'agent',
            image,
            command: ['python3', '/opt/node-agent/agent.py'],
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            ports: [{ name: 'metrics', containerPort: 9100 }],
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
            volumeMounts: [{ name: 'code', mountPath: '/opt/node-agent', readOnly: true }],
          },
        ],
        volumes: [{ name: 'code', configMap: { name: 'node-agent' } }],
      },
    },
  },
};
