import type { KubeObject } from '../model/k8s.js';
import type { KubeClient, TypeRef } from '../kube/client.js';
import { readMarker, type LabMarker } from '../cluster/guard.js';
import { isFakeNode } from '../cluster/runtime.js';
import { startedMarkerPrefix, systemNamespace } from '../names.js';

export const kinds = {
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  node: { apiVersion: 'v1', kind: 'Node' },
  pod: { apiVersion: 'v1', kind: 'Pod' },
  event: { apiVersion: 'v1', kind: 'Event' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  networkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
} as const satisfies Record<string, TypeRef>;

/** Whether pods really run: kwok's fake nodes have no container runtime, so nothing can exec there. */
export interface RuntimeInfo {
  available: boolean;
  reason?: string;
}

/**
 * One grading run's read-only view of the cluster. Every LIST is sent at most
 * once per (kind, namespace) and shared by all checks, so a run costs a few
 * requests whatever the number of pods or checks. Failed reads are cached
 * too: every check that depends on one reports the same `error`.
 */
export class ClusterView {
  private readonly lists = new Map<string, Promise<KubeObject[]>>();
  private markerRead: Promise<LabMarker | undefined> | undefined;
  private readonly started = new Map<string, Promise<string | undefined>>();

  constructor(readonly client: KubeClient) {}

  list<T extends KubeObject = KubeObject>(ref: TypeRef, namespace?: string): Promise<T[]> {
    const key = `${ref.apiVersion}/${ref.kind}@${namespace ?? '*'}`;
    let pending = this.lists.get(key);
    if (!pending) {
      pending = this.client.list(ref, namespace ? { namespace } : {});
      // Swallow here so an unobserved cached rejection never crashes the process; callers still see it.
      pending.catch(() => undefined);
      this.lists.set(key, pending);
    }
    return pending as Promise<T[]>;
  }

  async namespaceExists(name: string): Promise<boolean> {
    const namespaces = await this.list(kinds.namespace);
    return namespaces.some((namespace) => namespace.metadata?.name === name && !namespace.metadata?.deletionTimestamp);
  }

  async namespaceLabels(): Promise<Map<string, Record<string, string>>> {
    const namespaces = await this.list(kinds.namespace);
    return new Map(namespaces.map((namespace) => [namespace.metadata?.name ?? '', namespace.metadata?.labels ?? {}]));
  }

  /** When `start` last deployed the scenario (its started marker), or undefined if it never did on this cluster. */
  startedAt(scenarioId: string): Promise<string | undefined> {
    let pending = this.started.get(scenarioId);
    if (!pending) {
      pending = this.client.get<KubeObject & { data?: { startedAt?: string } }>(kinds.configMap, `${startedMarkerPrefix}${scenarioId}`, systemNamespace).then((marker) => (marker ? (marker.data?.startedAt ?? 'an unknown time') : undefined));
      pending.catch(() => undefined);
      this.started.set(scenarioId, pending);
    }
    return pending;
  }

  marker(): Promise<LabMarker | undefined> {
    this.markerRead ??= readMarker(this.client);
    return this.markerRead;
  }

  async runtime(): Promise<RuntimeInfo> {
    const nodes = await this.list<KubeObject & { status?: { nodeInfo?: { containerRuntimeVersion?: string } } }>(kinds.node);
    if (nodes.length === 0) return { available: false, reason: 'the cluster has no nodes' };
    if (nodes.every(isFakeNode)) {
      return { available: false, reason: 'the cluster has no container runtime (kwok fake nodes); this probe runs on a kind cluster' };
    }
    return { available: true };
  }

  get requestCount(): number {
    return this.client.requestCount;
  }
}
