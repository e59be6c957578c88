import { expect, it } from 'vitest';
import { describeWithPlane, kubectl, useNamespace } from '../setup/plane.js';

const privilegedPod = (namespace: string) => `
apiVersion: v1
kind: Pod
metadata: { name: root-shell, namespace: ${namespace} }
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext: { privileged: true }
`;

describeWithPlane('admission on the test plane', () => {
  const restricted = useNamespace('psa-restricted', { 'pod-security.kubernetes.io/enforce': 'restricted' });
  const privileged = useNamespace('psa-privileged', { 'pod-security.kubernetes.io/enforce': 'privileged' });
  const vap = useNamespace('vap', { 'k8s-sec-lab.io/no-latest': 'true' });

  it('rejects a privileged pod where restricted is enforced, naming PodSecurity', async () => {
    const result = await kubectl(['apply', '-f', '-'], { input: privilegedPod(restricted.name), reject: false });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('violates PodSecurity "restricted:latest"');
    expect(result.stderr).toContain('privileged');
  });

  it('admits the same pod where privileged is enforced', async () => {
    const result = await kubectl(['apply', '-f', '-'], { input: privilegedPod(privileged.name) });
    expect(result.stdout).toContain('pod/root-shell created');
  });

  it('enforces a ValidatingAdmissionPolicy that forbids :latest images', async () => {
    const policy = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: ${vap.name}-no-latest }
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }
  validations:
    - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
      message: "images must be pinned, not :latest"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: ${vap.name}-no-latest }
spec:
  policyName: ${vap.name}-no-latest
  validationActions: [Deny]
  matchResources:
    namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ${vap.name} } }
`;
    await kubectl(['apply', '-f', '-'], { input: policy });
    try {
      // The policy reaches the admission plugin's informer asynchronously: retry until it bites.
      await expect
        .poll(async () => (await kubectl(['-n', vap.name, 'run', 'web', '--image=nginx:latest'], { reject: false })).stderr, {
          timeout: 20_000,
          interval: 500,
        })
        .toContain('images must be pinned, not :latest');
      const pinned = await kubectl(['-n', vap.name, 'run', 'pinned', '--image=nginx:1.27.3']);
      expect(pinned.stdout).toContain('pod/pinned created');
    } finally {
      await kubectl(['delete', '-f', '-', '--ignore-not-found'], { input: policy });
    }
  });
});
