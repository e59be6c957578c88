import { describe, expect, it } from 'vitest';
import { rolloutProblems } from '../../../src/engines/workloads/rollout.js';
import { whyNotScheduled } from '../../../src/engines/workloads/nodes.js';

describe('rolloutProblems', () => {
  const daemonSet = (status: Record<string, number>, spec: Record<string, unknown> = {}) => ({ kind: 'DaemonSet', metadata: { generation: 2 }, spec, status: { observedGeneration: 2, ...status } });

  it('is empty for a converged DaemonSet and Deployment', () => {
    expect(rolloutProblems(daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }))).toEqual([]);
    expect(rolloutProblems({ kind: 'Deployment', metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 } })).toEqual([]);
  });

  it('names pods left on an old template, and says why with OnDelete', () => {
    expect(rolloutProblems(daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 0, numberAvailable: 3 }, { updateStrategy: { type: 'OnDelete' } }))).toEqual([
      '0 of its 3 pods run the current pod template (updateStrategy OnDelete: the old pods stay until someone deletes them)',
    ]);
  });

  it('names an unobserved generation, missing availability and old replicas', () => {
    expect(rolloutProblems({ kind: 'Deployment', metadata: { generation: 3 }, spec: {}, status: { observedGeneration: 2, replicas: 2, updatedReplicas: 1, availableReplicas: 0 } })).toEqual([
      'its controller has not caught up with the latest change yet (observed generation 2 of 3)',
      '0 of its 1 replicas are available',
      '1 pods of an older template are still running',
    ]);
  });
});

describe('whyNotScheduled', () => {
  const controlPlane = { metadata: { name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } };
  const worker = { metadata: { name: 'w1', labels: { 'kubernetes.io/hostname': 'w1' } }, spec: {} };

  it('names an untolerated taint', () => {
    expect(whyNotScheduled({}, controlPlane)).toBe('its taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated');
    expect(whyNotScheduled({ tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists' }] }, controlPlane)).toContain('not tolerated');
    expect(whyNotScheduled({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoExecute' }] }, controlPlane)).toContain('not tolerated');
  });

  it('accepts tolerations written differently', () => {
    expect(whyNotScheduled({ tolerations: [{ operator: 'Exists' }] }, controlPlane)).toBeUndefined();
    expect(whyNotScheduled({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }, controlPlane)).toBeUndefined();
    expect(whyNotScheduled({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', value: '' }] }, controlPlane)).toBeUndefined();
  });

  it('names a nodeSelector or required affinity that excludes the node', () => {
    expect(whyNotScheduled({ tolerations: [{ operator: 'Exists' }], nodeSelector: { 'kubernetes.io/hostname': 'w1' } }, controlPlane)).toBe('the nodeSelector kubernetes.io/hostname=w1 does not match it');
    const notControlPlane = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }] }] } } } };
    expect(whyNotScheduled({ ...notControlPlane, tolerations: [{ operator: 'Exists' }] }, controlPlane)).toBe('the required node affinity does not match it');
    expect(whyNotScheduled(notControlPlane, worker)).toBeUndefined();
  });
});
