import { describe, expect, it } from 'vitest';
import { checkIds } from '../../../src/engines/check-ids.js';
import { hardeningFindings, type HardeningFinding } from '../../../src/engines/hardening/index.js';
import { imageTagOf } from '../../../src/engines/hardening/rules/image-tag.js';

/** A spec with no hardening findings: each test takes one recommendation away. */
function hardenedSpec(): Record<string, unknown> & { containers: Record<string, unknown>[] } {
  return {
    automountServiceAccountToken: false,
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1.4.2',
        resources: { limits: { cpu: '250m', memory: '128Mi' } },
        securityContext: { readOnlyRootFilesystem: true },
      },
    ],
  };
}

function findingsOf(spec: unknown): Pick<HardeningFinding, 'id' | 'path'>[] {
  return hardeningFindings(spec).map(({ id, path }) => ({ id, path }));
}

describe('hardeningFindings', () => {
  it('finds nothing in a hardened spec', () => {
    expect(hardeningFindings(hardenedSpec())).toEqual([]);
  });

  it('reports a root filesystem that is not read-only, per container including init and ephemeral ones', () => {
    const spec = hardenedSpec();
    spec.initContainers = [{ name: 'init', image: 'busybox:1.36', resources: { limits: { cpu: 1, memory: '1Gi' } } }];
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext: { readOnlyRootFilesystem: false } }];
    expect(findingsOf(spec)).toEqual([
      { id: 'readOnlyRootFilesystem', path: 'spec.initContainers[0].securityContext.readOnlyRootFilesystem' },
      { id: 'readOnlyRootFilesystem', path: 'spec.ephemeralContainers[0].securityContext.readOnlyRootFilesystem' },
    ]);
  });

  it.each([undefined, true])('reports automountServiceAccountToken=%j', (value) => {
    const spec = { ...hardenedSpec(), automountServiceAccountToken: value };
    expect(findingsOf(spec)).toEqual([{ id: 'automountServiceAccountToken', path: 'spec.automountServiceAccountToken' }]);
  });

  it('reports missing CPU and memory limits separately, with the IDs of each', () => {
    const spec = hardenedSpec();
    spec.containers[0]!.resources = { requests: { cpu: '100m', memory: '64Mi' } };
    const findings = hardeningFindings(spec);
    expect(findings.map(({ path }) => path)).toEqual([
      'spec.containers[0].resources.limits.cpu',
      'spec.containers[0].resources.limits.memory',
    ]);
    expect(findings.map(({ ids }) => ids.trivy)).toEqual([['KSV-0011'], ['KSV-0018']]);
    expect(findings.map(({ ids }) => ids.polaris)).toEqual([['cpuLimitsMissing'], ['memoryLimitsMissing']]);
  });

  it('does not ask ephemeral containers for limits (they may not set resources)', () => {
    const spec = hardenedSpec();
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext: { readOnlyRootFilesystem: true } }];
    expect(hardeningFindings(spec)).toEqual([]);
  });

  it.each(['nginx', 'nginx:latest', 'registry.example:5000/team/nginx', 'registry.example:5000/team/nginx:latest'])(
    'reports the unpinned image %s',
    (image) => {
      const spec = hardenedSpec();
      spec.containers[0]!.image = image;
      expect(findingsOf(spec)).toEqual([{ id: 'latestTag', path: 'spec.containers[0].image' }]);
    },
  );

  it.each(['nginx:1.27.1', 'registry.example:5000/nginx:1.27', 'nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31'])(
    'accepts the pinned image %s',
    (image) => {
      const spec = hardenedSpec();
      spec.containers[0]!.image = image;
      expect(hardeningFindings(spec)).toEqual([]);
    },
  );

  it('reports Secrets read into env vars by key and wholesale, not ConfigMaps', () => {
    const spec = hardenedSpec();
    spec.containers[0]!.env = [
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ];
    spec.containers[0]!.envFrom = [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'api-keys' } }];
    const findings = hardeningFindings(spec);
    expect(findings.map(({ id, path }) => ({ id, path }))).toEqual([
      { id: 'secretsInEnv', path: 'spec.containers[0].env[1].valueFrom.secretKeyRef' },
      { id: 'secretsInEnv', path: 'spec.containers[0].envFrom[1].secretRef' },
    ]);
    expect(findings[0]!.message).toBe(
      'container "app" reads key "password" of Secret "db" into env var "DB_PASSWORD"; expected Secrets mounted as files',
    );
    expect(findings[1]!.message).toContain('every key of Secret "api-keys"');
  });

  it('places paths inside a workload', () => {
    const spec = { ...hardenedSpec(), automountServiceAccountToken: undefined };
    const paths = { metadata: 'spec.template.metadata', spec: 'spec.template.spec' };
    expect(hardeningFindings(spec, { paths }).map(({ path }) => path)).toEqual(['spec.template.spec.automountServiceAccountToken']);
  });

  it('cites only IDs of its own row of the check ID table', () => {
    const spec = { containers: [{ name: 'a', image: 'a', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] };
    const findings = hardeningFindings(spec);
    expect(new Set(findings.map(({ id }) => id)).size).toBe(5);
    for (const { id, ids } of findings) {
      const row = checkIds[id];
      for (const tool of ['pss', 'kubescape', 'polaris', 'kubeLinter', 'trivy'] as const) {
        expect(row[tool], `${id} ${tool}`).toEqual(expect.arrayContaining([...ids[tool]]));
      }
    }
  });

  it.each([undefined, null, 'spec', { containers: 'app' }, { containers: [null, { resources: 'big', env: 'X', envFrom: [null] }] }])(
    'does not throw on the odd spec %j',
    (spec) => {
      expect(() => hardeningFindings(spec)).not.toThrow();
    },
  );
});

describe('imageTagOf', () => {
  it('separates a registry port from a tag', () => {
    expect(imageTagOf('localhost:5000/app')).toEqual({ pinned: false, tag: undefined });
    expect(imageTagOf('localhost:5000/app:2')).toEqual({ pinned: false, tag: '2' });
  });
});
