import type { Labels, Namespace, NetworkPolicy, Pod } from '../../model/k8s.js';
import { parseIp } from './cidr.js';
import { podEndpoint } from './endpoints.js';
import { compilePolicy, type CompiledPolicy } from './policy.js';
import { isRecord, labelsOf, stringAt } from './shape.js';
import type { Direction, InputIssue, PodEndpoint } from './types.js';

export interface NetworkModelInput {
  namespaces?: readonly (Namespace | unknown)[];
  pods?: readonly (Pod | PodEndpoint | unknown)[];
  policies?: readonly (NetworkPolicy | unknown)[];
}

/** The policies that select a pod, per direction they isolate. */
export type PodSelection = Record<Direction, CompiledPolicy[]>;

const namespaceNameLabel = 'kubernetes.io/metadata.name';

/**
 * Namespaces, pods and policies compiled once: selectors parsed, policies
 * indexed by namespace, and for every pod the policies that select it.
 */
export class NetworkModel {
  readonly pods: readonly PodEndpoint[];
  readonly policies: readonly CompiledPolicy[];
  /** Every problem found in the policies, whether or not it affects a verdict. */
  readonly issues: readonly InputIssue[];
  private readonly namespaces = new Map<string, Labels>();
  private readonly policiesByNamespace = new Map<string, CompiledPolicy[]>();
  private readonly podsByRef = new Map<string, PodEndpoint>();
  private readonly selections = new Map<PodEndpoint, PodSelection>();

  constructor(input: NetworkModelInput) {
    for (const namespace of input.namespaces ?? []) this.addNamespace(namespace);
    this.policies = (input.policies ?? []).map(compilePolicy);
    this.issues = this.policies.flatMap((policy) => policy.issues);
    for (const policy of this.policies) {
      const list = this.policiesByNamespace.get(policy.namespace) ?? [];
      list.push(policy);
      this.policiesByNamespace.set(policy.namespace, list);
    }
    this.pods = (input.pods ?? []).map((pod) => (isPodEndpoint(pod) ? pod : podEndpoint(pod)));
    for (const pod of this.pods) {
      const ref = `${pod.namespace}/${pod.name}`;
      if (!this.podsByRef.has(ref)) this.podsByRef.set(ref, pod);
      this.selections.set(pod, this.computeSelection(pod));
    }
  }

  /** A namespace's labels, with the `kubernetes.io/metadata.name` label the API server always sets. */
  namespaceLabels(namespace: string): Labels {
    return this.namespaces.get(namespace) ?? { [namespaceNameLabel]: namespace };
  }

  /** Every namespace the model knows: given ones and those named by pods. */
  namespaceNames(): string[] {
    return [...new Set([...this.namespaces.keys(), ...this.pods.map((pod) => pod.namespace)])];
  }

  findPod(namespace: string, name: string): PodEndpoint | undefined {
    return this.podsByRef.get(`${namespace}/${name}`);
  }

  /** The pod that owns an IP address, if any: a packet from a pod IP comes from that pod. */
  podWithIp(ip: string): PodEndpoint | undefined {
    const wanted = parseIp(ip);
    if (!wanted) return undefined;
    return this.pods.find((pod) =>
      (pod.podIPs ?? []).some((text) => {
        const candidate = parseIp(text);
        return candidate?.family === wanted.family && candidate.value === wanted.value;
      }),
    );
  }

  /** The policies selecting a pod, per isolated direction; hypothetical pods are computed on the fly. */
  selection(pod: PodEndpoint): PodSelection {
    return this.selections.get(pod) ?? this.computeSelection(pod);
  }

  private computeSelection(pod: PodEndpoint): PodSelection {
    const selecting = (this.policiesByNamespace.get(pod.namespace) ?? []).filter((policy) => policy.selectsPod(pod.labels));
    return {
      ingress: selecting.filter((policy) => policy.isolates.ingress),
      egress: selecting.filter((policy) => policy.isolates.egress),
    };
  }

  private addNamespace(namespace: unknown): void {
    const metadata = isRecord(namespace) && isRecord(namespace.metadata) ? namespace.metadata : {};
    const name = stringAt(metadata.name);
    if (name === undefined) return;
    this.namespaces.set(name, { ...labelsOf(metadata.labels), [namespaceNameLabel]: name });
  }
}

export function buildNetworkModel(input: NetworkModelInput): NetworkModel {
  return new NetworkModel(input);
}

function isPodEndpoint(value: unknown): value is PodEndpoint {
  return isRecord(value) && value.kind === 'pod' && typeof value.namespace === 'string' && Array.isArray(value.ports);
}
