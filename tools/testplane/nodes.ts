import { fakeNodeAnnotation } from '../../src/cluster/runtime.js';

/**
 * Fake nodes shaped like a kind cluster's: one tainted control-plane node and
 * two workers, with kind's node names, labels and Docker-network addresses.
 * Status is accepted on create for Nodes, so the addresses are set here.
 */
export function fakeNodes(arch = process.arch === 'arm64' ? 'arm64' : 'amd64'): object {
  const node = (name: string, ip: string, controlPlane: boolean) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [fakeNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': arch,
        type: 'kwok',
        ...(controlPlane
          ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }
          : {}),
      },
    },
    spec: controlPlane
      ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
      : {},
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: { architecture: arch, operatingSystem: 'linux' },
    },
  });
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      node('k8s-sec-lab-control-plane', '172.18.0.2', true),
      node('k8s-sec-lab-worker', '172.18.0.3', false),
      node('k8s-sec-lab-worker2', '172.18.0.4', false),
    ],
  };
}
