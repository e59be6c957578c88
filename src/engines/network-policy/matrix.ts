import { emptyBitset, fullBitset, hasBit, intersection, orInto, setBit, type Bitset } from './bitset.js';
import { checkQuery } from './evaluate.js';
import type { NetworkModel } from './model.js';
import { rulePortsAdmit } from './ports.js';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from './policy.js';
import type { ConnectionQuery, Direction, Outcome, PodEndpoint, Protocol } from './types.js';

export interface ReachabilityMatrix {
  readonly port: number;
  readonly protocol: Protocol;
  /** Rows (sources) and columns (destinations), in the model's pod order. */
  readonly pods: readonly PodEndpoint[];
  allowed(from: number, to: number): boolean;
  /** One source's verdicts by destination, 1 allowed and 0 denied: a view, for writing large matrices row by row. */
  row(from: number): Uint8Array;
  rows(): boolean[][];
}

/**
 * Pod-to-pod verdicts for one port without judging n² pairs one by one: each
 * rule's peers become a bitset of pods once; a pod's allowed destinations
 * (egress) and sources (ingress) are the OR of its rules' bitsets, shared by
 * pods governed by the same rules; a cell is then one bit from each side.
 */
export function reachabilityMatrix(model: NetworkModel, query: ConnectionQuery): Outcome<ReachabilityMatrix> {
  const checked = checkQuery(query);
  if (!checked.ok) return checked;
  const issues = governingPoliciesWithIssues(model).flatMap((policy) => policy.issues);
  if (issues.length > 0) return { ok: false, issues };
  const q = checked.value;
  const pods = model.pods;
  const membership = new PeerMembership(model);
  const holders = namedPortHolders(pods, q);

  // Egress: a rule reaches the pods its peers select, narrowed to those declaring its named ports.
  const egressTargets = new Map<CompiledRule, Bitset>();
  const reachedBy = (rule: CompiledRule): Bitset => {
    let targets = egressTargets.get(rule);
    if (!targets) {
      const filter = destinationFilter(rule, q, holders, pods.length);
      targets = filter === 'any' ? membership.ofRule(rule) : intersection(membership.ofRule(rule), filter);
      egressTargets.set(rule, targets);
    }
    return targets;
  };
  const egress = allowedSets(model, 'egress', (_pod, rules) => rules, reachedBy);
  // Ingress: named ports resolve on the destination itself, so admission is decided per pod.
  const ingress = allowedSets(model, 'ingress', (pod, rules) => rules.filter((rule) => rulePortsAdmit(rule.ports, q, pod)), (rule) =>
    membership.ofRule(rule),
  );

  const n = pods.length;
  const cells = new Uint8Array(n * n);
  for (let from = 0; from < n; from++) {
    const destinations = egress[from];
    for (let to = 0; to < n; to++) {
      const sources = ingress[to];
      if ((!destinations || hasBit(destinations, to)) && (!sources || hasBit(sources, from))) cells[from * n + to] = 1;
    }
  }
  return {
    ok: true,
    value: {
      port: q.port,
      protocol: q.protocol,
      pods,
      allowed: (from, to) => cells[from * n + to] === 1,
      row: (from) => cells.subarray(from * n, from * n + n),
      rows: () => Array.from({ length: n }, (_, from) => Array.from(cells.subarray(from * n, from * n + n), (cell) => cell === 1)),
    },
  };
}

/**
 * Per pod, the set of peers its `direction` rules allow, or undefined when no
 * policy isolates it. Pods whose admitting rules are the same share one set.
 */
function allowedSets(
  model: NetworkModel,
  direction: Direction,
  admitting: (pod: PodEndpoint, rules: CompiledRule[]) => CompiledRule[],
  bitsOf: (rule: CompiledRule) => Bitset,
): (Bitset | undefined)[] {
  const ruleIds = new Map<CompiledRule, number>();
  const shared = new Map<string, Bitset>();
  return model.pods.map((pod) => {
    const policies = model.selection(pod)[direction];
    if (policies.length === 0) return undefined;
    const rules = admitting(pod, policies.flatMap((policy) => policy.rules[direction]));
    const key = rules.map((rule) => idOf(ruleIds, rule)).join(',');
    let set = shared.get(key);
    if (!set) {
      set = emptyBitset(model.pods.length);
      for (const rule of rules) orInto(set, bitsOf(rule));
      shared.set(key, set);
    }
    return set;
  });
}

/** Issues only block the matrix when their policy governs one of its pods. */
function governingPoliciesWithIssues(model: NetworkModel): CompiledPolicy[] {
  const governing = new Set(model.pods.flatMap((pod) => [...model.selection(pod).ingress, ...model.selection(pod).egress]));
  return [...governing].filter((policy) => policy.issues.length > 0);
}

/** For each port name, the pods declaring it with the queried port and protocol. */
function namedPortHolders(pods: readonly PodEndpoint[], query: Required<ConnectionQuery>): Map<string, Bitset> {
  const holders = new Map<string, Bitset>();
  pods.forEach((pod, index) => {
    for (const port of pod.ports) {
      if (port.name === undefined || port.port !== query.port || port.protocol !== query.protocol) continue;
      let set = holders.get(port.name);
      if (!set) holders.set(port.name, (set = emptyBitset(pods.length)));
      setBit(set, index);
    }
  });
  return holders;
}

/** 'any' when a rule's ports admit the query whatever the destination; else the destinations whose named ports do. */
function destinationFilter(
  rule: CompiledRule,
  query: Required<ConnectionQuery>,
  holders: Map<string, Bitset>,
  size: number,
): Bitset | 'any' {
  if (rule.ports === 'all') return 'any';
  const filter = emptyBitset(size);
  for (const port of rule.ports) {
    if (port.protocol !== query.protocol) continue;
    if (port.kind === 'any' || (port.kind === 'range' && port.from <= query.port && query.port <= port.to)) return 'any';
    const named = port.kind === 'named' ? holders.get(port.name) : undefined;
    if (named) orInto(filter, named);
  }
  return filter;
}

/** Which model pods each rule's peers select, each distinct peer computed once. */
class PeerMembership {
  private readonly podsByNamespace = new Map<string, number[]>();
  private readonly byPeer = new Map<string, Bitset>();
  private readonly byRule = new Map<CompiledRule, Bitset>();

  constructor(private readonly model: NetworkModel) {
    model.pods.forEach((pod, index) => {
      const list = this.podsByNamespace.get(pod.namespace) ?? [];
      list.push(index);
      this.podsByNamespace.set(pod.namespace, list);
    });
  }

  /** ipBlock peers select no pod (see rule-match.ts). */
  ofRule(rule: CompiledRule): Bitset {
    let set = this.byRule.get(rule);
    if (!set) {
      const size = this.model.pods.length;
      set = rule.peers === 'all' ? fullBitset(size) : emptyBitset(size);
      for (const peer of rule.peers === 'all' ? [] : rule.peers) if (peer.kind === 'pods') orInto(set, this.ofPeer(peer));
      this.byRule.set(rule, set);
    }
    return set;
  }

  private ofPeer(peer: Extract<CompiledPeer, { kind: 'pods' }>): Bitset {
    let set = this.byPeer.get(peer.key);
    if (!set) {
      set = emptyBitset(this.model.pods.length);
      const scope = peer.namespaces;
      const namespaces = scope.kind === 'own'
        ? [scope.namespace]
        : this.model.namespaceNames().filter((namespace) => scope.matches(this.model.namespaceLabels(namespace)));
      for (const namespace of namespaces) {
        for (const index of this.podsByNamespace.get(namespace) ?? []) {
          if (peer.pods(this.model.pods[index]!.labels)) setBit(set, index);
        }
      }
      this.byPeer.set(peer.key, set);
    }
    return set;
  }
}

function idOf(ids: Map<CompiledRule, number>, rule: CompiledRule): number {
  let id = ids.get(rule);
  if (id === undefined) ids.set(rule, (id = ids.size));
  return id;
}
