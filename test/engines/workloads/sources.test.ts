import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/k8s.js';
import { podSpecSources } from '../../../src/engines/workloads/sources.js';

const template = { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'ns', ...extra });

describe('podSpecSources: what can run in a namespace', () => {
  it('takes live pods first, then every template a controller can still create pods from', () => {
    const objects: KubeObject[] = [
      { kind: 'DaemonSet', metadata: meta('agent'), spec: { updateStrategy: { type: 'OnDelete' }, template } },
      { kind: 'Pod', metadata: meta('agent-x', { labels: { app: 'agent' } }), spec: template.spec, status: { phase: 'Running' } },
      { kind: 'Deployment', metadata: meta('idle'), spec: { replicas: 0, template } },
      { kind: 'CronJob', metadata: meta('nightly'), spec: { jobTemplate: { spec: { template } } } },
    ];
    expect(podSpecSources(objects).map((source) => [source.label, source.live, source.paths.spec])).toEqual([
      ['Pod ns/agent-x', true, 'spec'],
      ["DaemonSet ns/agent's pod template", false, 'spec.template.spec'],
      ["Deployment ns/idle's pod template", false, 'spec.template.spec'],
      ["CronJob ns/nightly's pod template", false, 'spec.jobTemplate.spec.template.spec'],
    ]);
    expect(podSpecSources(objects)[1]!.labels).toEqual({ app: 'agent' });
  });

  it("leaves out what cannot run: finished and terminating pods, a Deployment's scaled-down old ReplicaSets, finished Jobs", () => {
    const owned = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: '1', controller: true }] };
    const objects: KubeObject[] = [
      { kind: 'Pod', metadata: meta('done'), spec: template.spec, status: { phase: 'Succeeded' } },
      { kind: 'Pod', metadata: meta('going', { deletionTimestamp: '2026-01-01T00:00:00Z' }), spec: template.spec },
      { kind: 'ReplicaSet', metadata: meta('api-old', owned), spec: { replicas: 0, template } },
      { kind: 'ReplicaSet', metadata: meta('api-new', owned), spec: { replicas: 2, template } },
      { kind: 'ReplicaSet', metadata: meta('bare'), spec: { replicas: 0, template } },
      { kind: 'Job', metadata: meta('migrate'), spec: { template }, status: { conditions: [{ type: 'Complete', status: 'True' }] } },
      { kind: 'Job', metadata: meta('running'), spec: { template }, status: {} },
    ];
    expect(podSpecSources(objects).map((source) => source.object)).toEqual(['ReplicaSet ns/api-new', 'ReplicaSet ns/bare', 'Job ns/running']);
  });
});
