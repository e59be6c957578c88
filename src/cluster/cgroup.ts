import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type CgroupVersion = 1 | 2;

/** Where the host mounts its cgroup hierarchy; K8S_SEC_LAB_CGROUP_ROOT points tests at a directory of their own. */
export function cgroupRoot(env: NodeJS.ProcessEnv): string {
  return env.K8S_SEC_LAB_CGROUP_ROOT || '/sys/fs/cgroup';
}

/**
 * cgroup v2 mounts one unified hierarchy with cgroup.controllers at its root;
 * a v1 host (hybrid ones included) has none there. Undefined when nothing is
 * mounted at all (not Linux, or a sandbox without /sys).
 */
export function hostCgroupVersion(root: string): CgroupVersion | undefined {
  if (existsSync(join(root, 'cgroup.controllers'))) return 2;
  return existsSync(root) ? 1 : undefined;
}

/** Said once by `up` and shown by `doctor` on a cgroup v1 host. */
export const cgroupV1Note =
  'this host uses cgroup v1, which Kubernetes deprecated: kubelet 1.35 and newer refuse to start on it unless the KubeletConfiguration sets failCgroupV1: false, ' +
  'so the lab sets that in the kind config; kind and containerd will drop cgroup v1';

/** How to leave cgroup v1 behind. */
export const cgroupV2Fix = 'boot the host with cgroup v2 (kernel parameter systemd.unified_cgroup_hierarchy=1, or a distribution release that defaults to it)';

/** The kubeadm patch (top-level kubeadmConfigPatches of the kind config) that lets kubelet run on cgroup v1. */
export const kubeletCgroupV1Patch = 'kind: KubeletConfiguration\nfailCgroupV1: false\n';
