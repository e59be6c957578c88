import type { Namespace, NetworkPolicy, Pod } from '../../../../src/model/k8s.js';
import type { EndpointPort, PodEndpoint } from '../../../../src/engines/network-policy/index.js';

// Small builders for the objects the evaluator reads, shaped as the API server returns them.

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function pod(ref: string, labels: Record<string, string> = {}, ports: EndpointPort[] = [], podIP?: string): Pod {
  const [namespaceName, name] = ref.split('/') as [string, string];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: namespaceName, labels },
    spec: { containers: [{ name: 'main', ports: ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: port.protocol })) }] },
    ...(podIP ? { status: { podIP } } : {}),
  };
}

export function policy(ref: string, spec: NonNullable<NetworkPolicy['spec']> | Record<string, unknown>): NetworkPolicy {
  const [namespaceName, name] = ref.split('/') as [string, string];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: namespaceName }, spec };
}

/** A pod that need not exist in the model, e.g. the CoreDNS pod every cluster should have. */
export function hypotheticalPod(ref: string, labels: Record<string, string>, ports: EndpointPort[] = []): PodEndpoint {
  const [namespaceName, name] = ref.split('/') as [string, string];
  return { kind: 'pod', namespace: namespaceName, name, labels, ports };
}
