import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { LabError } from '../../errors.js';
import { labsDir } from '../../lab-dirs.js';
import { kubeletCgroupV1Patch } from '../cgroup.js';

export const kindConfigTemplate = join(labsDir, 'cluster', 'kind.yaml');

/** The node count of labs/cluster/kind.yaml (one control plane, two workers); a test keeps them in step. */
export const labNodeCount = 3;

interface KindNode {
  extraMounts?: { hostPath?: string }[];
}

/**
 * Writes the kind config for `kind create cluster --config` with every
 * extraMounts hostPath made absolute (relative ones are relative to the
 * template), into `outDir` so the printed command stays pasteable. On a
 * cgroup v1 host it adds the kubelet patch without which kubelet 1.35+
 * refuses to start there.
 */
export async function renderKindConfig(outDir: string, template = kindConfigTemplate, options: { cgroupV1?: boolean } = {}): Promise<string> {
  const config = parse(await readFile(template, 'utf8')) as { nodes?: KindNode[]; kubeadmConfigPatches?: string[] };
  if (options.cgroupV1) config.kubeadmConfigPatches = [...(config.kubeadmConfigPatches ?? []), kubeletCgroupV1Patch];
  for (const mount of (config.nodes ?? []).flatMap((node) => node.extraMounts ?? [])) {
    if (!mount.hostPath) continue;
    mount.hostPath = isAbsolute(mount.hostPath) ? mount.hostPath : resolve(dirname(template), mount.hostPath);
    if (!existsSync(mount.hostPath)) {
      throw new LabError(`${template} mounts ${mount.hostPath}, which does not exist`, { fix: 'reinstall k8s-sec-lab (npx k8s-sec-lab@latest); the package is incomplete' });
    }
  }
  const out = join(outDir, 'kind-config.yaml');
  await mkdir(outDir, { recursive: true });
  await writeFile(out, `# Rendered by k8s-sec-lab from ${template}: edit that file, not this one.\n${stringify(config)}`);
  return out;
}
