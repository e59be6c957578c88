/**
 * The kind release the lab downloads when no usable kind is on PATH. v0.33.0
 * is the newest release: it writes kubeadm v1beta4 configuration for node
 * images >= 1.36 (as labs/cluster/kind.yaml expects) and its kindnet enforces
 * NetworkPolicy (since v0.24.0). Its node image is pinned in kind.yaml.
 */
export const pinnedKindVersion = 'v0.33.0';

/** kind v0.32.0 was the first to use kubeadm v1beta4 for Kubernetes 1.36+, which the lab's kubeadm patch targets. */
export const minimumKindVersion = 'v0.32.0';

/** Where release binaries live; K8S_SEC_LAB_KIND_DOWNLOAD_URL points tests (or a mirror) elsewhere. */
function kindDownloadBase(env: NodeJS.ProcessEnv): string {
  return (env.K8S_SEC_LAB_KIND_DOWNLOAD_URL || 'https://github.com/kubernetes-sigs/kind/releases/download').replace(/\/+$/, '');
}

/** The release asset for this OS and CPU, e.g. kind-linux-amd64; undefined where kind publishes none. */
export function kindAssetName(platform: NodeJS.Platform, arch: string): string | undefined {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[platform as string];
  const cpu = { x64: 'amd64', arm64: 'arm64' }[arch];
  if (!os || !cpu || (os === 'windows' && cpu !== 'amd64')) return undefined;
  return `kind-${os}-${cpu}`;
}

export function kindDownloadUrl(env: NodeJS.ProcessEnv, asset: string): string {
  return `${kindDownloadBase(env)}/${pinnedKindVersion}/${asset}`;
}

/** The version in `kind version` output ("kind v0.33.0 go1.25.1 linux/amd64"), e.g. "v0.33.0". */
export function parseKindVersion(output: string): string | undefined {
  return /\bv(\d+)\.(\d+)\.(\d+)\S*/.exec(output)?.[0];
}

/** Numeric comparison of the major.minor.patch core of two versions: <0, 0 or >0. */
export function compareVersions(a: string, b: string): number {
  const core = (version: string) => (/(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1, 4).map(Number);
  const [left, right] = [core(a), core(b)];
  for (let index = 0; index < 3; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
