import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This folder: the driver, node files, the CoreDNS and CNI modules, the knp patch. */
export const kindNodeDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(kindNodeDir, '..', '..');
export const coreDNSModuleDir = join(kindNodeDir, 'coredns');
export const cniModuleDir = join(kindNodeDir, 'cni');
export const knpPatch = join(kindNodeDir, 'knp', 'nfqueue-compat.patch');
export const nodeFilesDir = join(kindNodeDir, 'nodefiles');
/** The runc wrapper the host's dockerd uses, installed into the node as well. */
export const runcWrapper = join(repoRoot, 'tools', 'docker-host', 'runc-nosysres');

/** Builds are cached outside the checkout, like the test plane's, so clones and CI runs share them. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.K8S_SEC_LAB_KIND_NODE_CACHE) return env.K8S_SEC_LAB_KIND_NODE_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'k8s-sec-lab', 'kind-node');
}

/** Where one build (one key) keeps what it made. */
export interface BuildLayout {
  dir: string;
  bin: string;
  rootfs: string;
  debs: string;
  work: string;
  manifest: string;
  imageMap: string;
}

export function buildLayout(dir: string): BuildLayout {
  return {
    dir,
    bin: join(dir, 'bin'),
    rootfs: join(dir, 'rootfs'),
    debs: join(dir, 'debs'),
    // Scratch space of a running build (copies, stages, image contexts); removed at the end.
    work: join(dir, 'work'),
    manifest: join(dir, 'build.json'),
    imageMap: join(dir, 'image-map.yaml'),
  };
}
