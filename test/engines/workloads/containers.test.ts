import { describe, expect, it } from 'vitest';
import { containersOf } from '../../../src/engines/workloads/containers.js';

const spec = {
  hostPID: true,
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 2000 },
  initContainers: [
    { name: 'setup', image: 'busybox', command: ['true'] },
    { name: 'proxy', image: 'kubectl', restartPolicy: 'Always', securityContext: { seccompProfile: { type: 'Unconfined' } } },
  ],
  containers: [{ name: 'app', image: 'app:1', command: ['app'], args: ['--listen=$(ADDR)'], env: [{ name: 'ADDR', value: ':80' }], securityContext: { readOnlyRootFilesystem: true } }],
  ephemeralContainers: [{ name: 'debugger', image: 'busybox', securityContext: { privileged: true } }],
};

describe('containersOf: one normalised view per container', () => {
  const entries = containersOf({ labels: { app: 'x' } }, spec, { metadata: 'spec.template.metadata', spec: 'spec.template.spec' });

  it('lists init containers, native sidecars, regular and ephemeral containers, with their paths', () => {
    expect(entries.map((entry) => [entry.label, entry.type, entry.path])).toEqual([
      ['init container "setup"', 'init', 'spec.template.spec.initContainers[0]'],
      ['sidecar "proxy"', 'sidecar', 'spec.template.spec.initContainers[1]'],
      ['container "app"', 'container', 'spec.template.spec.containers[0]'],
      ['ephemeral container "debugger"', 'ephemeral', 'spec.template.spec.ephemeralContainers[0]'],
    ]);
  });

  it('gives the securityContext that takes effect: the container value, else the pod value', () => {
    expect(entries[1]!.view.securityContext).toEqual({ seccompProfile: { type: 'Unconfined' }, runAsNonRoot: true });
    expect(entries[2]!.view.securityContext).toEqual({ readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('exposes the expanded argv and the pod fields beside the container fields', () => {
    expect(entries[2]!.view.argv).toEqual(['app', '--listen=:80']);
    expect(entries[2]!.view.pod).toMatchObject({ hostPID: true, labels: { app: 'x' } });
    expect(entries[2]!.view.pod).not.toHaveProperty('containers');
  });
});
