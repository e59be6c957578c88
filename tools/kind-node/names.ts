import { coreDNSVersion, etcdImageTag, pauseVersion } from './pins.js';

/** The stand-ins for the lab's digest-pinned images, each tagged with the build key. */
export const standInNames = ['busybox', 'python', 'redis', 'kubectl'] as const;
export type StandInName = (typeof standInNames)[number];

/** Every image reference one build creates or loads into the node. */
export interface ImageNames {
  key: string;
  node: string;
  standIns: Record<StandInName, string>;
  /** The node rootfs as a plain image: base of the component images. */
  base: string;
  /** The multi-call Kubernetes binary on the base; saved under the kubeadm names below. */
  kubernetes: string;
  net: string;
  localPathProvisioner: string;
  /** Names kubeadm and the node's containerd expect; they exist on the host only while saving. */
  registry: { kubernetes: string[]; pause: string; coreDNS: string };
}

export function imageNames(key: string, kubernetesVersion: string): ImageNames {
  const standIns = Object.fromEntries(standInNames.map((name) => [name, `local/k8s-sec-lab-${name}:${key}`])) as Record<StandInName, string>;
  return {
    key,
    node: `local/kind-node:${kubernetesVersion}-${key}`,
    standIns,
    base: `local/kindhere-base:${key}`,
    kubernetes: `local/kindhere-kubernetes:${key}`,
    net: `local/kindhere-net:${key}`,
    localPathProvisioner: `local/kindhere-local-path-provisioner:${key}`,
    registry: {
      kubernetes: [
        ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'].map((name) => `registry.k8s.io/${name}:${kubernetesVersion}`),
        `registry.k8s.io/etcd:${etcdImageTag}`,
      ],
      pause: `registry.k8s.io/pause:${pauseVersion}`,
      coreDNS: `registry.k8s.io/coredns/coredns:${coreDNSVersion}`,
    },
  };
}

/** Repositories whose images this build made, for pruning superseded builds. */
export const ownRepositoryPrefixes = ['local/kind-node:', 'local/k8s-sec-lab-', 'local/kindhere-'];

/**
 * Which stand-in replaces an image the lab's manifests name, by repository;
 * undefined when none does. Docker Hub's official images count on any
 * registry that keeps their library/ path (a mirror, the scenarios'
 * registry.example.internal), with or without docker.io/.
 */
export function standInFor(ref: string, names: ImageNames): string | undefined {
  const repository = ref
    .replace(/@.*$/, '')
    .replace(/:[^/:]+$/, '')
    .replace(/^([^/]+\.[^/]+\/)?library\//, '')
    .replace(/^docker\.io\//, '');
  const byRepository: Record<string, string> = {
    busybox: names.standIns.busybox,
    python: names.standIns.python,
    redis: names.standIns.redis,
    'registry.k8s.io/kubectl': names.standIns.kubectl,
    'kindest/node': names.node,
  };
  return byRepository[repository];
}
