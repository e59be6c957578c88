import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { LabError } from '../../errors.js';
import { labsDir } from '../../lab-dirs.js';
import { mapImage, type ImageMap } from '../../manifests/image-map.js';
import { kubeletCgroupV1Patch } from '../cgroup.js';

export const kindConfigTemplate = join(labsDir, 'cluster', 'kind.yaml');

/** The node count of labs/cluster/kind.yaml (one control plane, two workers); a test keeps them in step. */
export const labNodeCount = 3;

interface KindNode {
  image?: string;
  extraMounts?: { hostPath?: string }[];
}

/** The variable that chooses the node image when `up --node-image` is not given. */
export const nodeImageVariable = 'K8S_SEC_LAB_NODE_IMAGE';

/** The node image `up` creates the cluster from, and where that choice came from (for output). */
export interface NodeImage {
  image: string;
  /** E.g. "--node-image", "$K8S_SEC_LAB_NODE_IMAGE" or "labs/cluster/kind.yaml", plus the map that replaced it. */
  source: string;
}

/**
 * The node image: `--node-image`, else $K8S_SEC_LAB_NODE_IMAGE, else the
 * control plane's image in the kind config; then through the image map, as
 * every image the lab renders. Undefined when none names one (kind's default).
 */
export async function chooseNodeImage(requested: string | undefined, env: NodeJS.ProcessEnv, images: ImageMap, template = kindConfigTemplate): Promise<NodeImage | undefined> {
  const fromEnv = env[nodeImageVariable];
  const [asked, from] = requested ? [requested, '--node-image'] : fromEnv ? [fromEnv, `$${nodeImageVariable}`] : [(await templateNodeImages(template)).controlPlane, templateName(template)];
  if (!asked) return undefined;
  const image = mapImage(images, asked);
  return { image, source: image === asked ? from : `${from} ${asked}, mapped by ${images.file}` };
}

/** The node images a kind config names: every node's, and the control plane's. */
export async function templateNodeImages(template = kindConfigTemplate): Promise<{ all: Set<string>; controlPlane: string | undefined }> {
  const nodes = (parse(await readFile(template, 'utf8')) as { nodes?: (KindNode & { role?: string })[] }).nodes ?? [];
  return {
    all: new Set(nodes.flatMap((node) => (node.image ? [node.image] : []))),
    controlPlane: nodes.find((node) => node.role === 'control-plane')?.image,
  };
}

function templateName(template: string): string {
  return template === kindConfigTemplate ? 'labs/cluster/kind.yaml' : template;
}

/**
 * Writes the kind config for `kind create cluster --config` with every
 * extraMounts hostPath made absolute (relative ones are relative to the
 * template), into `outDir` so the printed command stays pasteable. On a
 * cgroup v1 host it adds the kubelet patch without which kubelet 1.35+
 * refuses to start there. A chosen node image runs on every node.
 */
export async function renderKindConfig(outDir: string, template = kindConfigTemplate, options: { cgroupV1?: boolean; nodeImage?: string } = {}): Promise<string> {
  const config = parse(await readFile(template, 'utf8')) as { nodes?: KindNode[]; kubeadmConfigPatches?: string[] };
  if (options.cgroupV1) config.kubeadmConfigPatches = [...(config.kubeadmConfigPatches ?? []), kubeletCgroupV1Patch];
  if (options.nodeImage) for (const node of config.nodes ?? []) node.image = options.nodeImage;
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
