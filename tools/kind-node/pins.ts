/**
 * Every pinned input of the node image and the stand-in images. This file is
 * part of the build key (see key.ts), so changing any value here rebuilds.
 */

/** A Go main package (or several of one module) installed with `go install module/pkg@version`. */
export interface GoComponent {
  /** Binary names expected in GOBIN afterwards. */
  binaries: string[];
  module: string;
  version: string;
  /** Package paths below the module ('' is the module root). */
  packages: string[];
  cgo: boolean;
  tags?: string;
}

export const goComponents = {
  kind: { binaries: ['kind'], module: 'sigs.k8s.io/kind', version: 'v0.33.0', packages: [''], cgo: false },
  // Tags as kind's images/base builds it, plus pure-Go user and DNS lookups.
  containerd: {
    binaries: ['containerd', 'ctr', 'containerd-shim-runc-v2'],
    module: 'github.com/containerd/containerd/v2',
    version: 'v2.4.2',
    packages: ['cmd/containerd', 'cmd/ctr', 'cmd/containerd-shim-runc-v2'],
    cgo: false,
    tags: 'no_aufs no_zfs no_btrfs no_devmapper urfave_cli_no_docs osusergo netgo',
  },
  // cgo + seccomp: links Debian's libseccomp2, which the node rootfs carries.
  runc: { binaries: ['runc'], module: 'github.com/opencontainers/runc', version: 'v1.5.3', packages: [''], cgo: true, tags: 'seccomp' },
  cniPlugins: {
    binaries: ['host-local', 'loopback', 'ptp', 'portmap'],
    module: 'github.com/containernetworking/plugins',
    version: 'v1.10.0',
    packages: ['plugins/ipam/host-local', 'plugins/main/loopback', 'plugins/main/ptp', 'plugins/meta/portmap'],
    cgo: false,
  },
  crictl: { binaries: ['crictl'], module: 'sigs.k8s.io/cri-tools', version: 'v1.37.0', packages: ['cmd/crictl'], cgo: false },
  localPathProvisioner: {
    binaries: ['local-path-provisioner'],
    module: 'github.com/rancher/local-path-provisioner',
    version: 'v0.0.30',
    packages: [''],
    cgo: false,
  },
} satisfies Record<string, GoComponent>;

/** Built from a patched copy of the module (knp/README.md). */
export const kubeNetworkPolicies = { module: 'sigs.k8s.io/kube-network-policies', version: 'v0.8.0' };

/** CoreDNS comes from coredns/ (a main with only the plugins kind needs); its go.mod pins the version. */
export const coreDNSVersion = 'v1.14.2';

/** The pause image kubeadm 1.36 names and the node's containerd uses as sandbox image. */
export const pauseVersion = '3.10.2';

/** What `kubeadm config images list` names, besides pause and CoreDNS (checked at build time). */
export const etcdImageTag = '3.6.8-0';

/** The node's root filesystem: Debian, as kind's images/base installs it (kind uses trixie-slim). */
export const nodeSuite = 'bookworm';
export const nodePackages = [
  'systemd', 'systemd-sysv', 'dbus', 'iproute2', 'iptables', 'nftables', 'conntrack', 'ethtool', 'util-linux',
  'mount', 'kmod', 'libseccomp2', 'pigz', 'e2fsprogs', 'bash', 'ca-certificates', 'curl', 'jq', 'procps', 'socat',
  'ipset', 'fuse-overlayfs',
];

/**
 * busybox for every stand-in image: trixie's 1.37, because bookworm's 1.35
 * segfaults on `wget -T 5` (exit 139), which the scenarios run.
 */
export const busybox = { suite: 'trixie', package: 'busybox-static', version: '1:1.37.0-6+b9' };

/**
 * Debian packages of the stand-in images, unpacked with their dependencies onto
 * busybox. python from trixie (3.13, as python:3.13-alpine); redis from bookworm
 * (7.0, the closest to redis:7.4; trixie has 8.0).
 */
export const standInPackages = {
  // libc-bin for getent, which the Alpine images have (musl-utils) and probes use to tell DNS from a block.
  python: { suite: 'trixie', packages: ['python3', 'libc-bin'] },
  // redis-tools holds the server binary (redis-check-rdb); redis-server adds only its name.
  redis: { suite: 'bookworm', packages: ['redis-tools', 'libc-bin'], withoutDependencies: ['redis-server'] },
} satisfies Record<string, { suite: string; packages: string[]; withoutDependencies?: string[] }>;

/** Package-management tools that dependency closures drag in and no workload runs. */
export const packagesNotUnpacked = ['dpkg', 'tar', 'debconf', 'adduser', 'passwd'];
