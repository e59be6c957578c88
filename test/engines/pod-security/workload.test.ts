import { describe, expect, it } from 'vitest';
import { evaluatePodSecurity, podTemplateOf } from '../../../src/engines/pod-security/index.js';

const privilegedPodSpec = { containers: [{ name: 'app', image: 'app:1', securityContext: { privileged: true } }] };
const template = { metadata: { annotations: { note: 'template' } }, spec: privilegedPodSpec };

describe('podTemplateOf', () => {
  it.each([
    ['Pod', { metadata: template.metadata, spec: privilegedPodSpec }, ''],
    ['PodTemplate', { template }, 'template.'],
    ['Deployment', { spec: { template } }, 'spec.template.'],
    ['StatefulSet', { spec: { template } }, 'spec.template.'],
    ['DaemonSet', { spec: { template } }, 'spec.template.'],
    ['ReplicaSet', { spec: { template } }, 'spec.template.'],
    ['ReplicationController', { spec: { template } }, 'spec.template.'],
    ['Job', { spec: { template } }, 'spec.template.'],
    ['CronJob', { spec: { jobTemplate: { spec: { template } } } }, 'spec.jobTemplate.spec.template.'],
  ])('finds the pod template of a %s at %sspec', (kind, body, prefix) => {
    const outcome = podTemplateOf({ kind, metadata: { name: 'x' }, ...body });
    expect(outcome).toEqual({
      status: 'template',
      metadata: template.metadata,
      spec: privilegedPodSpec,
      paths: { metadata: `${prefix}metadata`, spec: `${prefix}spec` },
    });
  });

  it('gives paths relative to the workload, so violations point into it', () => {
    const cronJob = { kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } };
    const outcome = podTemplateOf(cronJob);
    if (outcome.status !== 'template') throw new Error(`unexpected ${outcome.status}`);
    const result = evaluatePodSecurity(outcome.metadata, outcome.spec, { paths: outcome.paths });
    expect(result.violations[0]!.path).toBe('spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged');
  });

  it.each(['Service', 'Namespace', 'ConfigMap', 'NetworkPolicy', 'RoleBinding'])('says Pod Security does not apply to a %s', (kind) => {
    expect(podTemplateOf({ kind, metadata: { name: 'x' } })).toEqual({ status: 'not-applicable' });
  });

  it('reports an unknown kind as unsupported, naming it and the supported kinds', () => {
    const outcome = podTemplateOf({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', spec: { template } });
    expect(outcome).toEqual({ status: 'unsupported', reason: expect.stringMatching(/kind Rollout .*supported: Pod, .*CronJob/) });
  });

  it.each([
    ['a workload without a template', { kind: 'Deployment', spec: {} }, 'Deployment has no spec.template.spec'],
    ['a Pod without a spec', { kind: 'Pod', metadata: { name: 'x' } }, 'Pod has no spec'],
    ['an object without a kind', { metadata: { name: 'x' } }, 'no kind'],
    ['something that is not an object', 'Deployment', 'no kind'],
  ])('reports %s as unsupported', (_, object, reason) => {
    expect(podTemplateOf(object)).toEqual({ status: 'unsupported', reason: expect.stringContaining(reason) });
  });
});
