import type { KubeObject } from '../model/k8s.js';

/**
 * kwok manages nodes carrying this annotation. Such nodes have no container
 * runtime: pods only look Running, so exec, port-forward and packet filtering
 * cannot be observed there and runtime probes are skipped.
 */
export const fakeNodeAnnotation = 'kwok.x-k8s.io/node';

/** A node without a container runtime: kwok's annotation, or the runtime version kwok reports. */
export function isFakeNode(node: KubeObject & { status?: { nodeInfo?: { containerRuntimeVersion?: string } } }): boolean {
  return node.metadata?.annotations?.[fakeNodeAnnotation] !== undefined || node.status?.nodeInfo?.containerRuntimeVersion?.startsWith('kwok') === true;
}
