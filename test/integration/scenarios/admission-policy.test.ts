import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { CheckStatus } from '../../../src/grading/types.js';
import { withLabLabels } from '../../../src/lifecycle/manifests.js';
import type { KubeObject } from '../../../src/model/k8s.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectSettled, expectStatuses, messageOf, useScenario, type ScenarioHarness } from './harness.js';

const fixChecks = [
  'public-latest-pod-refused',
  'public-deployment-refused',
  'public-cronjob-refused',
  'public-registry-pod-refused',
  'lookalike-registry-pod-refused',
  'tag-only-pod-refused',
  'root-pod-refused',
  'container-root-override-refused',
  'public-init-container-refused',
  'second-tenant-covered',
  'image-update-refused',
  'debug-container-refused',
] as const;

const guards = {
  'compliant-admitted-storefront': 'pass',
  'compliant-admitted-loyalty': 'pass',
  'platform-ops-untouched': 'pass',
  'storefront-still-runs': 'pass',
  'platform-tools-still-run': 'pass',
} as const;

const vulnerable: Record<string, CheckStatus> = { ...Object.fromEntries(fixChecks.map((id) => [id, 'fail'])), ...guards };
const fixed: Record<string, CheckStatus> = { ...Object.fromEntries(fixChecks.map((id) => [id, 'pass'])), ...guards };

/** `fixed`, except the named checks fail. */
function failing(...ids: (keyof typeof guards | (typeof fixChecks)[number])[]): Record<string, CheckStatus> {
  return { ...fixed, ...Object.fromEntries(ids.map((id) => [id, 'fail'])) };
}

describeWithPlane('scenario admission-policy on the test plane', () => {
  const lab = useScenario('admission-policy');

  it('starts vulnerable: the warn-only policy admits every attack, the apps run', async () => {
    const flags = await lab.reset();
    const report = await lab.grade();
    expectStatuses(report, vulnerable);
    expect(messageOf(report, 'public-latest-pod-refused')).toContain('the API server admits Pod tenant-storefront/quick-fix');
    expect(messageOf(report, 'public-latest-pod-refused')).toContain('A warning is not a refusal');
    // The attack as the briefing runs it: the tenant's CI account gets a warning with the flag, and the pod.
    const attack = await lab.kubectl([
      '-n', 'tenant-storefront', 'run', 'quick-fix', '--image=docker.io/library/busybox:latest',
      '--as=system:serviceaccount:tenant-storefront:deployer', '--dry-run=server', '--', 'sleep', '1d',
    ]);
    expect(attack.stderr).toContain("Validation failed for ValidatingAdmissionPolicy 'tenant-images'");
    expect(attack.stderr).toContain(`tracking tag ${flags.get('warned-admission')}`);
    expect(flags.get('warned-admission')).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);
    // The same attacks through the other doors: an update of a running Deployment and a debug container.
    const setImage = await lab.kubectl(['-n', 'tenant-storefront', 'set', 'image', 'deployment/storefront', 'web=docker.io/library/busybox:latest', '--as=system:serviceaccount:tenant-storefront:deployer', '--dry-run=server']);
    expect(setImage.stdout).toBe('deployment.apps/storefront image updated (server dry run)');
    expect(attack.stdout).toBe('pod/quick-fix created (server dry run)');
  });

  it('passes with the reference solution, which still admits compliant pods and leaves platform-ops alone', async () => {
    await lab.solve();
    const report = await expectSettled(lab, fixed);
    expect(messageOf(report, 'public-latest-pod-refused')).toContain('the API server refuses Pod tenant-storefront/quick-fix: ValidatingAdmissionPolicy tenant-images (binding tenant-images): images must come from registry.example.internal/');
    expect(messageOf(report, 'debug-container-refused')).toContain('/ephemeralcontainers (server-side dry run) is answered 403, refused by ValidatingAdmissionPolicy tenant-images');
    expect(messageOf(report, 'compliant-admitted-loyalty')).toBe('the API server admits Pod tenant-loyalty/compliant (server-side dry run); the API server admits Deployment tenant-loyalty/compliant and the pods it would create (server-side dry run)');
  });

  it('passes with the hint ladder: the binding switched to Deny, then the policy rewritten from the command rungs', async () => {
    await lab.reset();
    await lab.kubectl(['patch', 'validatingadmissionpolicybinding', 'tenant-images', '--type=merge', '-p', commandRung(lab, 'public-latest-pod-refused').split("-p '")[1]!.split("'")[0]!]);
    // Deny alone: the pods the old expressions judge are refused, everything else still gets in (the next test).
    await expectSettled(lab, failing('public-deployment-refused', 'public-cronjob-refused', 'lookalike-registry-pod-refused', 'tag-only-pod-refused', 'root-pod-refused', 'container-root-override-refused', 'public-init-container-refused', 'image-update-refused', 'debug-container-refused'));
    await lab.kubectl(['replace', '-f', '-'], { input: labelled(await referencePolicy(lab)) });
    await expectSettled(lab, fixed);
  });

  it('passes with an image policy for every workload plus Pod Security "restricted" for the non-root rule', async () => {
    await lab.reset();
    await lab.kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', 'tenant-images']);
    const imagesOnly = (await referencePolicy(lab))
      .replace(/\n {4}# A container's own runAsNonRoot wins[\s\S]*?reason: Forbidden\n/, '\n')
      .replaceAll('tenant-images', 'tenant-registry');
    expect(imagesOnly).not.toContain('runAsNonRoot : variables');
    await lab.apply(labelled(imagesOnly));
    for (const ns of ['tenant-storefront', 'tenant-loyalty']) {
      await lab.kubectl(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
    }
    const report = await expectSettled(lab, fixed);
    expect(messageOf(report, 'root-pod-refused')).toContain('the API server refuses Pod tenant-storefront/internal-root: Pod Security (restricted:latest)');
  });

  it('passes with a parameterised policy: the allowed registry in a ConfigMap, one policy per concern', async () => {
    await lab.reset();
    await lab.apply(asList(parameterisedPolicies()));
    await expectSettled(lab, fixed);
  });

  it('passes with one policy per kind of object, each reading the pod spec at its own path', async () => {
    await lab.reset();
    await lab.kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', 'tenant-images']);
    await lab.apply(asList(perKindPolicies()));
    await expectSettled(lab, fixed);
  });

  it('fails a correct policy bound with Warn and Audit: nothing is refused', async () => {
    // From the solved state, so that the failures are the variant's and not the setup's.
    await lab.reset();
    await lab.solve();
    await expectSettled(lab, fixed);
    await replaceWithVariant(lab, ['validationActions: [Deny, Audit]', 'validationActions: [Warn, Audit]']);
    const report = await expectSettled(lab, vulnerable);
    expect(messageOf(report, 'public-deployment-refused')).toContain('the API server admits Deployment tenant-storefront/quick-fix');
  });

  it('fails an unguarded runAsNonRoot expression with failurePolicy Ignore: the root pod fails open', async () => {
    await lab.reset();
    await replaceWithVariant(
      lab,
      ['failurePolicy: Fail', 'failurePolicy: Ignore'],
      [
        'has(c.securityContext) && has(c.securityContext.runAsNonRoot) ? c.securityContext.runAsNonRoot : variables.podRunAsNonRoot)\n      messageExpression',
        'c.securityContext.runAsNonRoot)\n      messageExpression',
      ],
    );
    const report = await expectSettled(lab, failing('root-pod-refused'));
    expect(messageOf(report, 'root-pod-refused')).toContain('With failurePolicy: Ignore, an expression that fails to evaluate admits the pod.');
  });

  it('fails a policy that matches Pods only: Deployments and CronJobs are admitted', async () => {
    await lab.reset();
    await replaceWithVariant(lab, [
      /\n {6}- apiGroups: \[apps\][\s\S]*?resources: \[jobs, cronjobs\]\n/,
      '\n',
    ]);
    // An update of the running Deployment is not a Pod either.
    const report = await expectSettled(lab, failing('public-deployment-refused', 'public-cronjob-refused', 'image-update-refused'));
    expect(messageOf(report, 'public-deployment-refused')).toContain('fails quietly in its ReplicaSet');
  });

  it('fails a registry prefix without the trailing slash: the look-alike host gets in', async () => {
    await lab.reset();
    await replaceWithVariant(lab, ["startsWith('registry.example.internal/')", "startsWith('registry.example.internal')"]);
    await expectSettled(lab, failing('lookalike-registry-pod-refused'));
  });

  it('fails a binding that names the storefront namespace instead of selecting tenant=true', async () => {
    await lab.reset();
    await replaceWithVariant(lab, ['matchLabels:\n        tenant: "true"', 'matchLabels:\n        kubernetes.io/metadata.name: tenant-storefront']);
    await expectSettled(lab, failing('second-tenant-covered'));
  });

  it('fails a policy that looks at spec.containers only: the public init container and debug container get in', async () => {
    await lab.reset();
    await replaceWithVariant(lab, [
      /variables\.pod\.containers \+\n[^\n]*initContainers[^\n]*\n[^\n]*ephemeralContainers[^\n]*\n/,
      'variables.pod.containers\n',
    ]);
    // Ephemeral containers are not in spec.containers either.
    await expectSettled(lab, failing('public-init-container-refused', 'debug-container-refused'));
  });

  it("fails a policy that reads only the pod's runAsNonRoot: a container sets it back to false", async () => {
    await lab.reset();
    await replaceWithVariant(lab, [
      'has(c.securityContext) && has(c.securityContext.runAsNonRoot) ? c.securityContext.runAsNonRoot : variables.podRunAsNonRoot)\n      messageExpression',
      'variables.podRunAsNonRoot)\n      messageExpression',
    ]);
    await expectSettled(lab, failing('container-root-override-refused'));
  });

  it('fails the guard when the storefront is deleted', async () => {
    await lab.solve();
    await lab.kubectl(['-n', 'tenant-storefront', 'delete', 'deployment', 'storefront', '--wait=true']);
    const report = await expectSettled(lab, { ...failing('storefront-still-runs', 'image-update-refused', 'debug-container-refused') });
    expect(messageOf(report, 'storefront-still-runs')).toContain('The tenants\' own apps must keep running.');
  });

  it('fails a policy that refuses everything in tenant namespaces: compliant Pods and Deployments are refused too', async () => {
    await lab.reset();
    await replaceWithVariant(lab, [/ {4}- expression: >-\n {8}variables\.containers\.all\(c,\n {10}c\.image/, '    - expression: "false"\n      message: tenants may not deploy anything\n    - expression: >-\n        variables.containers.all(c,\n          c.image']);
    const report = await expectSettled(lab, failing('compliant-admitted-storefront', 'compliant-admitted-loyalty'));
    expect(messageOf(report, 'compliant-admitted-storefront')).toBe(
      'the API server refuses Pod tenant-storefront/compliant: ValidatingAdmissionPolicy tenant-images (binding tenant-images): tenants may not deploy anything. A policy that refuses what the tenants are allowed to run is an outage, not a control.',
    );
  });

  it('fails a binding that reaches beyond tenant=true: platform-ops is refused its own tools', async () => {
    await lab.reset();
    // No namespaceSelector at all would reach every namespace of the shared plane (and kube-system on a real
    // cluster); naming platform-ops with the tenants stands in for it here.
    await replaceWithVariant(lab, [
      'matchLabels:\n        tenant: "true"',
      'matchExpressions:\n        - { key: kubernetes.io/metadata.name, operator: In, values: [tenant-storefront, tenant-loyalty, platform-ops] }',
    ]);
    const report = await expectSettled(lab, failing('platform-ops-untouched'));
    expect(messageOf(report, 'platform-ops-untouched')).toContain('the API server refuses Pod platform-ops/quick-fix: ValidatingAdmissionPolicy tenant-images');
    expect(messageOf(report, 'platform-ops-untouched')).toContain('A binding without a namespaceSelector covers every namespace');
  });

  it('fails a policy without UPDATE: `kubectl set image` and `kubectl debug` bring public images into what runs', async () => {
    await lab.reset();
    await replaceWithVariant(lab, [/operations: \[CREATE, UPDATE\]/g, 'operations: [CREATE]']);
    const report = await expectSettled(lab, failing('image-update-refused', 'debug-container-refused'));
    expect(messageOf(report, 'image-update-refused')).toBe(
      'the API server admits PATCH Deployment tenant-storefront/storefront (server-side dry run): nothing stops it. A policy that judges only CREATE lets anyone with edit rights swap the image of what already runs.',
    );
  });

  it('fails a policy without pods/ephemeralcontainers: a public debug container gets in', async () => {
    await lab.reset();
    await replaceWithVariant(lab, ['resources: [pods, pods/ephemeralcontainers, replicationcontrollers]', 'resources: [pods, replicationcontrollers]']);
    const report = await expectSettled(lab, failing('debug-container-refused'));
    expect(messageOf(report, 'debug-container-refused')).toMatch(/^the API server admits PATCH Pod tenant-storefront\/storefront-[a-z0-9-]+\/ephemeralcontainers \(server-side dry run\): nothing stops it$/);
  });

  it('fails a digest rule that looks for the text "sha256": a tag named sha256-... gets in', async () => {
    await lab.reset();
    await replaceWithVariant(lab, [/c\.image\.matches\('@sha256:\[0-9a-f\]\{64\}\$'\)/g, "c.image.contains('sha256')"]);
    const report = await expectSettled(lab, failing('tag-only-pod-refused'));
    expect(messageOf(report, 'tag-only-pod-refused')).toBe('the API server admits Pod tenant-storefront/fake-digest-tag (server-side dry run): nothing stops the attacker from creating it');
  });
});

async function referencePolicy(lab: ScenarioHarness): Promise<string> {
  return readFile(join(lab.scenario.dir, 'solution/10-image-policy.yaml'), 'utf8');
}

/** Replaces the setup's policy and binding with the reference solution changed by each [from, to] edit. */
async function replaceWithVariant(lab: ScenarioHarness, ...edits: [string | RegExp, string][]): Promise<void> {
  let text = await referencePolicy(lab);
  for (const [from, to] of edits) {
    const changed = text.replace(from, to);
    if (changed === text) throw new Error(`the edit ${String(from)} does not apply to the reference policy`);
    text = changed;
  }
  await lab.kubectl(['replace', '-f', '-'], { input: labelled(text) });
}

/**
 * Cluster-scoped objects the tests create carry the lab's labels, so that
 * reset removes them as it removes the scenario's own (a learner's policy
 * without them would survive a reset; see the design note).
 */
function labelled(yamlText: string): string {
  const labels = '  labels:\n    app.kubernetes.io/managed-by: k8s-sec-lab\n    k8s-sec-lab.io/scenario: admission-policy\n';
  return yamlText.replace(/^metadata:\n(  name: [^\n]+\n)/gm, (_match, name: string) => `metadata:\n${name}${labels}`);
}

function asList(objects: object[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.map((object) => withLabLabels(object as KubeObject, 'admission-policy')) });
}

function commandRung(lab: ScenarioHarness, id: string): string {
  const check = lab.scenario.checks.find((candidate) => candidate.id === id);
  if (!check) throw new Error(`no check ${id}`);
  return check.hints.command;
}

const allWorkloads = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'] },
];

const podSpecOf = "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec";
const everyContainer =
  'variables.pod.containers + (has(variables.pod.initContainers) ? variables.pod.initContainers : []) + (has(variables.pod.ephemeralContainers) ? variables.pod.ephemeralContainers : [])';
const nonRoot =
  'variables.containers.all(c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) ? c.securityContext.runAsNonRoot : has(variables.pod.securityContext) && has(variables.pod.securityContext.runAsNonRoot) && variables.pod.securityContext.runAsNonRoot)';
const tenants = { namespaceSelector: { matchLabels: { tenant: 'true' } } };

function binding(name: string, extra: object = {}) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'], matchResources: tenants, ...extra },
  };
}

/** The allowed prefix lives in a ConfigMap (paramKind); the non-root rule is a policy of its own. */
function parameterisedPolicies(): object[] {
  const policy = (name: string, spec: object) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec });
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tenant-registry', namespace: 'platform-ops' }, data: { prefix: 'registry.example.internal/' } },
    policy('tenant-registry-param', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: allWorkloads },
      variables: [
        { name: 'pod', expression: podSpecOf },
        { name: 'containers', expression: everyContainer },
      ],
      validations: [{ expression: "variables.containers.all(c, c.image.startsWith(params.data.prefix) && c.image.matches('@sha256:[0-9a-f]{64}$'))", message: 'image not allowed' }],
    }),
    binding('tenant-registry-param', { paramRef: { name: 'tenant-registry', namespace: 'platform-ops', parameterNotFoundAction: 'Deny' } }),
    policy('tenant-non-root', {
      matchConstraints: { resourceRules: allWorkloads },
      variables: [
        { name: 'pod', expression: podSpecOf },
        { name: 'containers', expression: everyContainer },
      ],
      validations: [{ expression: nonRoot, message: 'must not run as root' }],
    }),
    binding('tenant-non-root'),
  ];
}

/** Three policies with no ternary on the kind: Pods, pod-template workloads, CronJobs. */
function perKindPolicies(): object[] {
  const kinds = [
    { name: 'tenant-pods', rules: [allWorkloads[0]!], spec: 'object.spec' },
    {
      name: 'tenant-templates',
      rules: [
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['replicationcontrollers'] },
        allWorkloads[1]!,
        { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs'] },
      ],
      spec: 'object.spec.template.spec',
    },
    { name: 'tenant-cronjobs', rules: [{ apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['cronjobs'] }], spec: 'object.spec.jobTemplate.spec.template.spec' },
  ];
  return kinds.flatMap(({ name, rules, spec }) => [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: rules },
        variables: [
          { name: 'pod', expression: spec },
          { name: 'containers', expression: everyContainer },
        ],
        validations: [
          { expression: "variables.containers.all(c, c.image.startsWith('registry.example.internal/') && c.image.matches('@sha256:[0-9a-f]{64}$'))", message: 'image not allowed' },
          { expression: nonRoot, message: 'must not run as root' },
        ],
      },
    },
    binding(name),
  ]);
}
