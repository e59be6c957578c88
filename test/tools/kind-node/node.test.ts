import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { imageNames } from '../../../tools/kind-node/names.js';
import { criBaseSpec, defaultStorageManifest, nodeContainerdConfig, normalizedRef } from '../../../tools/kind-node/node.js';

const fixture = (name: string) => readFile(new URL(`../../fixtures/kind-node/${name}`, import.meta.url), 'utf8');
const names = imageNames('0123456789ab', 'v1.36.3');

describe("the node's containerd config", () => {
  it('changes exactly the pause image, the OOM score restriction and the runc binary of both runtimes', async () => {
    const kind = await fixture('containerd-config.toml');
    const ours = nodeContainerdConfig(kind, names);
    expect(ours).toContain('sandbox_image = "registry.k8s.io/pause:3.10.2"');
    expect(ours).toContain('restrict_oom_score_adj = true');
    expect(ours).not.toContain('restrict_oom_score_adj = false');
    expect(ours.match(/BinaryName = "\/usr\/local\/sbin\/runc-nosysres"/g)).toHaveLength(2);
    const removed = kind.split('\n').filter((line) => !ours.split('\n').includes(line));
    expect(removed).toEqual(['  sandbox_image = "registry.k8s.io/pause:3.10"', '  restrict_oom_score_adj = false']);
  });

  it('refuses a kind config it does not recognise instead of shipping it unchanged', () => {
    expect(() => nodeContainerdConfig('version = 2\n', names)).toThrow(/sandbox_image/);
  });
});

describe("kind's default storage manifest", () => {
  it('is the Go constant with our provisioner and busybox as helper, and nothing of kind left to pull', async () => {
    const manifest = defaultStorageManifest(await fixture('const_storage.go.txt'), names);
    const documents = parseAllDocuments(manifest).map((document) => document.toJS() as { kind?: string });
    expect(documents.map((document) => document.kind)).toEqual([
      'Namespace', 'ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'Deployment', 'StorageClass', 'ConfigMap',
    ]);
    expect(manifest).toContain(`image: ${names.localPathProvisioner}`);
    expect(manifest.match(new RegExp(names.standIns.busybox.replace(/[.]/g, '\\.'), 'g'))).toHaveLength(2);
    expect(manifest).not.toContain('kindest/');
  });
});

describe('cri-base.json', () => {
  it("adds kind's createContainer hook and drops rlimits, keeping the rest of ctr's spec", () => {
    const spec = JSON.parse(criBaseSpec(JSON.stringify({ ociVersion: '1.2.0', process: { rlimits: [{ type: 'RLIMIT_NOFILE' }], cwd: '/' } }))) as {
      hooks: { createContainer: { path: string }[] };
      process: Record<string, unknown>;
      ociVersion: string;
    };
    expect(spec.hooks.createContainer).toEqual([{ path: '/kind/bin/mount-product-files.sh' }]);
    expect(spec.process).toEqual({ cwd: '/' });
    expect(spec.ociVersion).toBe('1.2.0');
  });
});

describe('normalizedRef', () => {
  it('names images the way containerd stores them', () => {
    expect(normalizedRef('registry.k8s.io/pause:3.10.2')).toBe('registry.k8s.io/pause:3.10.2');
    expect(normalizedRef('local/kindhere-net:abc')).toBe('docker.io/local/kindhere-net:abc');
    expect(normalizedRef('busybox:1.37.0')).toBe('docker.io/library/busybox:1.37.0');
    expect(normalizedRef('localhost:5000/x:1')).toBe('localhost:5000/x:1');
  });
});
