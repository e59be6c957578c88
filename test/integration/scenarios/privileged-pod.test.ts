import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckStatus, GradeReport } from '../../../src/grading/types.js';
import { startScenario } from '../../../src/lifecycle/scenario.js';
import { noImageMap } from '../../../src/manifests/image-map.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario, type ScenarioHarness } from './harness.js';

const ns = 'node-monitoring';
const image = 'python:3.13-alpine@sha256:79e7a9b9ff1cbceff819f856fb374477792a5967759d94df266de7b7b4120e6f';
const solutionFile = fileURLToPath(new URL('../../../scenarios/privileged-pod/solution/20-node-agent.yaml', import.meta.url));
const setupFile = fileURLToPath(new URL('../../../scenarios/privileged-pod/setup/20-node-agent.yaml', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const hardenedDaemonSet = parse(readFileSync(solutionFile, 'utf8')) as Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const vulnerableDaemonSet = parse(readFileSync(setupFile, 'utf8')) as Record<string, any>;

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
      'there is no DaemonSet in node-monitoring whose pods are labelled app=node-agent. Deleting the agent, or scheduling it on fewer nodes, removes the monitoring along with the risk; harden it instead.',
    );
    expect(messageOf(report, 'agent-pods-restricted')).toContain('found 0 pods matching (all pods) in node-monitoring, need at least 1');
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

  // The node file needs a kubelet to write it; on the plane the API half is proven: the planter is
  // admitted in k8s-sec-lab-system, scheduled on the nodes, judged honestly and removed.
  it('plants the node flag through a one-shot planter that start removes, and says "not planted" where no kubelet can prove it', async () => {
    const lines: string[] = [];
    const flags = await startScenario(lab.scenario, lab.client, (line) => lines.push(line), noImageMap);
    expect(flags.get('node-flag')).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);
    expect(lines).toContainEqual(expect.stringMatching(/^flag node-flag: not planted, or at least not provably: pod flag-planter-privileged-pod-\S+ on node k8s-sec-lab-\S+ ran but reported nothing/));
    expect(lines.join('\n')).not.toMatch(/^planted /m);
    expect(await lab.client.get({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, 'flag-planter-privileged-pod', 'k8s-sec-lab-system')).toBeUndefined();
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
async function expectEventually(lab: ScenarioHarness, expected: Record<string, CheckStatus>): Promise<GradeReport> {
  const matches = (report: GradeReport) => Object.entries(expected).every(([id, status]) => statusOf(report, id) === status);
  let last: GradeReport | undefined;
  await expect
    .poll(async () => matches((last = await lab.grade())), { timeout: 30_000, interval: 500 })
    .toBe(true)
    .catch(() => undefined);
  const report = last ?? (await lab.grade());
  expectStatuses(report, expected);
  return report;
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

/**
 * The classes of issue 12 for this scenario: each check judges every pod and
 * pod template in the namespace, every container, and keeping the agent
 * running means every node, the control plane's included.
 */
describeWithPlane('privileged-pod: the goal over every workload, container and node', { timeout: 150_000 }, () => {
  const lab = useScenario('privileged-pod');
  // Each case starts from the vulnerable setup: a fix applied on top of the last case would merge with it.
  beforeEach(() => lab.reset(), 180_000);
  const json = (patch: object[]) => JSON.stringify(patch);
  const patchAgent = (patch: object[]) => lab.kubectl(['-n', ns, 'patch', 'daemonset', 'node-agent', '--type=json', '-p', json(patch)]);
  const replaceAll = async (...objects: object[]) => {
    for (const object of objects) await lab.kubectl(['replace', '--force', '-f', '-'], { input: JSON.stringify(object) });
  };
  const create = async (...objects: object[]) => {
    for (const object of objects) await lab.kubectl(['create', '-f', '-'], { input: JSON.stringify(object) });
  };
  /** Solved, then the agent's pod template changed without its pods changing: updateStrategy OnDelete. */
  const onDeleteThen = async (templatePatch: object[]) => {
    await lab.solve();
    // Until the solution has rolled out, old privileged pods remain; OnDelete would then keep them.
    await expectEventually(lab, fixed);
    await patchAgent([{ op: 'replace', path: '/spec/updateStrategy', value: { type: 'OnDelete' } }, ...templatePatch]);
    // The verdict is about the template the controller has seen: wait until it observed the change.
    const observedLatest = async () => {
      const [generation, seen] = (await lab.kubectl(['-n', ns, 'get', 'daemonset', 'node-agent', '-o', 'jsonpath={.metadata.generation} {.status.observedGeneration}'])).stdout.split(' ');
      return generation === seen;
    };
    await expect.poll(observedLatest, { timeout: 30_000, interval: 250 }).toBe(true);
  };

  describe('the template counts, not only the pods running now (updateStrategy OnDelete)', () => {
    it.each([
      ['privileged again', [{ op: 'replace', path: '/spec/template/spec/containers/0/securityContext', value: { privileged: true, readOnlyRootFilesystem: true } }], /: privileged: /],
      ['hostPID again', [{ op: 'add', path: '/spec/template/spec/hostPID', value: true }], /: hostNamespaces: hostPID=true/],
      ['the node\'s disk again', [{ op: 'add', path: '/spec/template/spec/volumes/-', value: { name: 'host-root', hostPath: { path: '/' } } }], /: hostPathVolumes: /],
    ])('fails when the template is %s while the pods stay hardened', async (_, patch, violation) => {
      await onDeleteThen(patch);
      const report = await lab.grade();
      expectStatuses(report, { ...fixed, 'agent-pods-restricted': 'fail', 'agent-still-running': 'fail' });
      const message = messageOf(report, 'agent-pods-restricted');
      expect(message).toMatch(/^DaemonSet node-monitoring\/node-agent's pod template meets only (privileged|baseline)/);
      expect(message).toMatch(violation);
      expect(message).toContain('Its controller creates the next pods from this template');
      expect(messageOf(report, 'agent-still-running')).toContain('0 of its 3 pods run the current pod template (updateStrategy OnDelete: the old pods stay until someone deletes them)');
    });

    it('fails when the template drops the read-only root filesystem while the pods keep it', async () => {
      await onDeleteThen([{ op: 'replace', path: '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', value: false }]);
      const report = await lab.grade();
      expectStatuses(report, { ...fixed, 'agent-read-only-root': 'fail', 'agent-still-running': 'fail' });
      expect(messageOf(report, 'agent-read-only-root')).toBe(
        `DaemonSet node-monitoring/node-agent's pod template, container "agent": securityContext.readOnlyRootFilesystem is false, expected true for every container (readOnlyRootFilesystem is not part of Pod Security; this lesson asks for it)`,
      );
    });
  });

  describe('still runs on every node: a hardened agent that lost the control-plane node fails', () => {
    it.each([
      ['without tolerations', [{ op: 'remove', path: '/spec/template/spec/tolerations' }]],
      ['with a toleration for the old master taint', [{ op: 'replace', path: '/spec/template/spec/tolerations', value: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }] }]],
      ['with a toleration for NoExecute only', [{ op: 'replace', path: '/spec/template/spec/tolerations', value: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoExecute' }] }]],
    ])('%s', async (_, patch) => {
      await lab.solve();
      await patchAgent(patch);
      // The rolling update replaces the worker pods one by one; then only the control-plane node is left out.
      const left = 'runs available pods on 2 of the 3 nodes: none on k8s-sec-lab-control-plane (its taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated).';
      await expect.poll(async () => messageOf(await lab.grade(), 'agent-still-running'), { timeout: 30_000, interval: 500 }).toContain(left);
      expectStatuses(await lab.grade(), { ...fixed, 'agent-still-running': 'fail' });
    });

    it('with a nodeSelector for one worker, naming the nodes it left and why', async () => {
      await lab.solve();
      await patchAgent([{ op: 'add', path: '/spec/template/spec/nodeSelector', value: { 'kubernetes.io/hostname': 'k8s-sec-lab-worker' } }]);
      const report = await expectEventually(lab, { ...fixed, 'agent-still-running': 'fail' });
      expect(messageOf(report, 'agent-still-running')).toContain('runs available pods on 1 of the 3 nodes: none on k8s-sec-lab-control-plane (the nodeSelector kubernetes.io/hostname=k8s-sec-lab-worker does not match it), k8s-sec-lab-worker2 (');
    });
  });

  describe('privileged through another container of the agent', () => {
    it.each([
      ['an init container', { op: 'add', path: '/spec/template/spec/initContainers', value: [{ name: 'setup', image, command: ['true'], securityContext: { privileged: true } }] }, 'container "setup" sets privileged=true'],
      ['a native sidecar', { op: 'add', path: '/spec/template/spec/initContainers', value: [{ name: 'shipper', image, restartPolicy: 'Always', command: ['sleep', '86400'], securityContext: { privileged: true } }] }, 'container "shipper" sets privileged=true'],
      ['a sidecar that adds SYS_ADMIN', { op: 'add', path: '/spec/template/spec/initContainers', value: [{ name: 'shipper', image, restartPolicy: 'Always', command: ['sleep', '86400'], securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } }] }, 'SYS_ADMIN'],
    ])('fails with %s', async (_, patch, named) => {
      await lab.solve();
      await patchAgent([patch]);
      const report = await lab.grade();
      expect(statusOf(report, 'agent-pods-restricted')).toBe('fail');
      expect(messageOf(report, 'agent-pods-restricted')).toMatch(/^DaemonSet node-monitoring\/node-agent's pod template meets only/);
      expect(messageOf(report, 'agent-pods-restricted')).toContain(named);
      expect(report.checks.find((check) => check.id === 'agent-pods-restricted')?.evidence?.path).toMatch(/^spec\.template\.spec\.initContainers\[0\]/);
    });

    it('fails with a privileged debug (ephemeral) container in a running agent pod', async () => {
      await lab.solve();
      await lab.kubectl(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=privileged']);
      const pod = (await lab.kubectl(['-n', ns, 'get', 'pods', '-l', 'app=node-agent', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
      await lab.kubectl(['-n', ns, 'debug', `pod/${pod}`, `--image=${image}`, '--profile=sysadmin', '--container=debugger', '--', 'sleep', '3600']);
      await lab.kubectl(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
      const report = await lab.grade();
      expect(statusOf(report, 'agent-pods-restricted')).toBe('fail');
      expect(messageOf(report, 'agent-pods-restricted')).toMatch(new RegExp(`^Pod node-monitoring/${pod} meets only privileged: privileged: ephemeral container "debugger"|^Pod node-monitoring/${pod} meets only privileged: .*debugger`));
      expect(statusOf(report, 'agent-read-only-root')).toBe('fail');
      expect(messageOf(report, 'agent-read-only-root')).toContain(`Pod node-monitoring/${pod}, ephemeral container "debugger"`);
    });
  });

  describe('the node handed over by another workload of the namespace', () => {
    const hostPath = { name: 'host-root', hostPath: { path: '/' } };
    it.each([
      ['a Deployment with hostPID', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'node-debug', namespace: ns }, spec: { selector: { matchLabels: { app: 'node-debug' } }, template: { metadata: { labels: { app: 'node-debug' } }, spec: { hostPID: true, containers: [{ name: 'shell', image, command: ['sleep', '86400'] }] } } } }, "Deployment node-monitoring/node-debug's pod template meets only privileged: hostNamespaces"],
      ['a CronJob mounting the node\'s disk', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'disk-report', namespace: ns }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', volumes: [hostPath], containers: [{ name: 'du', image, command: ['du', '-s', '/host'], volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }] } } } } } }, "CronJob node-monitoring/disk-report's pod template meets only privileged: hostPathVolumes"],
      ['a StatefulSet on the host network', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'collector', namespace: ns }, spec: { serviceName: 'collector', replicas: 0, selector: { matchLabels: { app: 'collector' } }, template: { metadata: { labels: { app: 'collector' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image, command: ['sleep', '86400'] }] } } } }, "StatefulSet node-monitoring/collector's pod template meets only privileged: hostNamespaces: hostNetwork=true"],
    ])('fails with %s', async (_, object, message) => {
      await lab.solve();
      await create(object);
      const report = await lab.grade();
      expectStatuses(report, { ...fixed, 'agent-pods-restricted': 'fail' });
      expect(messageOf(report, 'agent-pods-restricted')).toContain(message);
    });

    it('fails with a bare pod that mounts the node, created before the namespace was labelled', async () => {
      await create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'rescue', namespace: ns }, spec: { volumes: [hostPath], containers: [{ name: 'shell', image, command: ['sleep', '86400'], volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }] } });
      await lab.solve();
      await expectEventually(lab, { ...fixed, 'agent-pods-restricted': 'fail' });
      expect(messageOf(await lab.grade(), 'agent-pods-restricted')).toMatch(/^Pod node-monitoring\/rescue meets only privileged: hostPathVolumes/);
    });
  });

  describe('a renamed workload is judged like any other', () => {
    const renamed = (name: string, labels: Record<string, string>, base: Record<string, any> = hardenedDaemonSet) => {
      const copy = structuredClone(base);
      copy.metadata = { name, namespace: ns, labels };
      copy.spec.selector = { matchLabels: labels };
      copy.spec.template.metadata = { labels };
      return copy;
    };

    it('fails keeping the privileged agent under another name and label beside a hardened one', async () => {
      await lab.solve();
      await create(renamed('node-agent-legacy', { app: 'node-agent-legacy' }, vulnerableDaemonSet));
      const report = await lab.grade();
      expect(statusOf(report, 'agent-pods-restricted')).toBe('fail');
      expect(messageOf(report, 'agent-pods-restricted')).toMatch(/node-agent-legacy(-\S+|'s pod template) meets only privileged/);
    });

    it('fails replacing the hardened agent by a privileged copy under another name', async () => {
      await lab.solve();
      await lab.kubectl(['-n', ns, 'delete', 'daemonset', 'node-agent', '--wait=true']);
      await create(renamed('node-exporter', { app: 'node-agent' }, vulnerableDaemonSet));
      // Pod Security refuses the copy's pods: the check says so, naming it; its template is judged too.
      await expect.poll(async () => messageOf(await lab.grade(), 'agent-pods-restricted'), { timeout: 30_000, interval: 500 }).toMatch(/cannot create them: .*node-exporter.*violates PodSecurity "restricted/);
      const report = await lab.grade();
      expect(statusOf(report, 'agent-pods-restricted')).toBe('fail');
      expect(statusOf(report, 'agent-read-only-root')).toBe('fail');
      expect(messageOf(report, 'agent-read-only-root')).toContain('node-exporter');
    });

    it('fails renaming the agent and losing its read-only root filesystem', async () => {
      await lab.solve();
      await lab.kubectl(['-n', ns, 'delete', 'daemonset', 'node-agent', '--wait=true']);
      const copy = renamed('node-exporter', { app: 'node-agent' });
      copy.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
      await create(copy);
      const report = await expectEventually(lab, { ...fixed, 'agent-read-only-root': 'fail' });
      expect(messageOf(report, 'agent-read-only-root')).toMatch(/node-exporter\S*('s pod template)?, container "agent": securityContext.readOnlyRootFilesystem is false/);
    });
  });

  describe('correct fixes written differently pass', () => {
    it('recreated under another name with the same pod labels', async () => {
      await lab.solve();
      await lab.kubectl(['-n', ns, 'delete', 'daemonset', 'node-agent', '--wait=true']);
      const copy = structuredClone(hardenedDaemonSet);
      copy.metadata.name = 'node-exporter';
      await create(copy);
      await expectEventually(lab, fixed);
    });

    it('seccomp and non-root at the pod level, capabilities dropped with NET_BIND_SERVICE added back, a precise control-plane toleration', async () => {
      const copy = structuredClone(hardenedDaemonSet);
      copy.spec.template.spec.tolerations = [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }];
      copy.spec.template.spec.securityContext = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } };
      copy.spec.template.spec.containers[0].securityContext = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } };
      await replaceAll(copy);
      await lab.apply(JSON.stringify(restrictedNamespace));
      await expectEventually(lab, fixed);
    });

    it('seccomp per container (Localhost is not needed: RuntimeDefault), runAsNonRoot per container, a hardened init container', async () => {
      const copy = structuredClone(alternativeDaemonSet) as Record<string, any>;
      copy.spec.template.spec.initContainers = [
        { name: 'check', image, command: ['python3', '-c', 'print(1)'], securityContext: { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
      ];
      await replaceAll(copy);
      await lab.apply(JSON.stringify(restrictedNamespace));
      await expectEventually(lab, fixed);
    });

    it('fails a baseline-plus-drops agent that never asked for seccomp: the briefing asks for restricted', async () => {
      const copy = structuredClone(hardenedDaemonSet);
      delete copy.spec.template.spec.securityContext.seccompProfile;
      await replaceAll(copy);
      await lab.apply(JSON.stringify(restrictedNamespace));
      // The pods were admitted before the namespace enforced restricted, so the agent runs on.
      const report = await expectEventually(lab, { ...fixed, 'agent-pods-restricted': 'fail' });
      expect(messageOf(report, 'agent-pods-restricted')).toContain('seccompProfile_restricted');
    });
  });
});
