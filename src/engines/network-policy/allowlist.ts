import { cidrContains, parseIp, type Cidr } from './cidr.js';
import {
  allConnections,
  intersectConnections,
  isNoConnection,
  noConnections,
  rulePortConnections,
  subtractConnections,
  unionConnections,
  type ConnectionSet,
} from './connection-set.js';
import { evaluateConnection } from './evaluate.js';
import type { NetworkModel } from './model.js';
import type { CompiledPolicy, CompiledRule } from './policy.js';
import { ruleSelectsPeer } from './rule-match.js';
import type { LabelMatcher } from './selector.js';
import { formatIssue, protocols, type ConnectionQuery, type Direction, type Endpoint, type InputIssue, type Outcome } from './types.js';

/** Where a flow of an allowlist starts or ends. */
export type FlowSide =
  | { kind: 'anywhere' }
  /** Pods of one namespace (every namespace when undefined) whose labels match. */
  | { kind: 'pods'; namespace?: string; pods: LabelMatcher }
  /** Addresses outside the cluster inside `cidr` and none of `except`. */
  | { kind: 'outside'; cidr: Cidr; except: readonly Cidr[] };

/** From where to where, on which protocols and ports. */
export interface FlowRule {
  from: FlowSide;
  to: FlowSide;
  connections: ConnectionSet;
}

/** One endpoint of the matrix, and what is asked of it. */
export interface MatrixEndpoint {
  endpoint: Endpoint;
  /** Whether the connections it opens (egress) and accepts (ingress) are judged against the allowlist. */
  judged: Record<Direction, boolean>;
  /**
   * A pod that exists or is declared (CoreDNS), or an outside address:
   * required flows apply to it. A hypothetical new pod needs nothing.
   */
  known: boolean;
}

export interface AllowlistInput {
  /** Every endpoint of the matrix: judged ones, and the other side of their connections. */
  endpoints: readonly MatrixEndpoint[];
  /** Flows that may exist. */
  allowed: readonly FlowRule[];
  /** Flows that must exist; they may exist too. */
  required: readonly FlowRule[];
}

/** Connections between two endpoints: what is allowed beyond the allowlist, or what a required flow lacks. */
export interface Flow {
  from: Endpoint;
  to: Endpoint;
  connections: ConnectionSet;
}

export interface AllowlistVerdict {
  /**
   * Judged connections that the policies allow and the allowlist does not list (at most `maxFlows`):
   * first between endpoints the allowlist lists nothing for, then the rest, each in endpoint order.
   */
  excess: Flow[];
  /** How many there are in all. */
  excessCount: number;
  /** Required connections that the policies deny; `rule` indexes `required`. */
  missing: (Flow & { rule: number })[];
  /** Required flows with a side that no known endpoint matches (the workload is gone). */
  unmatched: { rule: number; side: 'from' | 'to' }[];
  /** Distinct endpoint pairs judged against the allowlist. */
  pairs: number;
}

/**
 * Judges the whole reachability matrix at once: every judged connection the
 * policies allow, on every protocol and port, must be listed in `allowed` or
 * `required`, and every `required` one must be allowed. A pod's connections
 * to itself are not judged; to its siblings they are.
 *
 * Cost grows with the kinds of pods, not with replicas: endpoints that no
 * policy can tell apart (same namespace, labels and declared ports) are judged
 * once, and each direction's verdict is shared by the pods that the same
 * policies govern.
 */
export function judgeAllowlist(model: NetworkModel, input: AllowlistInput, options: { maxFlows?: number } = {}): Outcome<AllowlistVerdict> {
  const groups = groupEndpoints(input.endpoints);
  const issues = inputIssues(model, groups);
  if (issues.length > 0) return { ok: false, issues };
  const maxFlows = options.maxFlows ?? Number.POSITIVE_INFINITY;
  const pairs = new PairConnections(model, groups);
  const { sets } = pairs;
  const listed = new ListedConnections(groups, [...input.allowed, ...input.required], sets);
  const none = sets.intern(noConnections);
  const verdict: AllowlistVerdict = { excess: [], excessCount: 0, missing: [], unmatched: [], pairs: 0 };
  // Pairs the allowlist says nothing about come first, then pairs allowed on more ports than it lists.
  const unlisted: Flow[] = [];
  const wider: Flow[] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = 0; j < groups.length; j++) {
      const pair = pairOf(groups, i, j);
      if (!pair || !(pair[0].judged.egress || pair[1].judged.ingress)) continue;
      verdict.pairs++;
      const listedId = listed.between(i, j);
      const beyond = sets.subtract(pairs.allowed(i, j), listedId);
      if (beyond === none) continue;
      verdict.excessCount++;
      const bucket = listedId === none ? unlisted : wider;
      if (bucket.length < maxFlows) bucket.push({ from: pair[0].endpoint, to: pair[1].endpoint, connections: sets.get(beyond) });
    }
  }
  verdict.excess = [...unlisted, ...wider].slice(0, maxFlows);

  for (const [index, rule] of input.required.entries()) {
    const matching = (side: FlowSide) => groups.flatMap((group, position) => (group[0]!.known && sideMatches(side, group[0]!.endpoint) ? [position] : []));
    const sources = matching(rule.from);
    const destinations = matching(rule.to);
    if (sources.length === 0 || destinations.length === 0) {
      verdict.unmatched.push({ rule: index, side: sources.length === 0 ? 'from' : 'to' });
      continue;
    }
    for (const i of sources) {
      for (const j of destinations) {
        const pair = pairOf(groups, i, j);
        if (!pair) continue;
        const denied = subtractConnections(rule.connections, sets.get(pairs.allowed(i, j)));
        if (!isNoConnection(denied)) verdict.missing.push({ rule: index, from: pair[0].endpoint, to: pair[1].endpoint, connections: denied });
      }
    }
  }
  return { ok: true, value: verdict };
}

/** The evaluator's verdict on one port of a flow, naming the policies and rules that decide it. */
export function explainFlow(model: NetworkModel, flow: Flow): string {
  const outcome = evaluateConnection(model, flow.from, flow.to, samplePort(flow.connections));
  return outcome.ok ? outcome.value.explanation : outcome.issues.map(formatIssue).join('; ');
}

// Ports a reader recognises, used to explain a range ("allows TCP 443") rather than its first port.
const familiarPorts = [443, 80, 8080, 53, 22];

/** One port of a set, a familiar one when the set holds one. */
export function samplePort(set: ConnectionSet): Required<ConnectionQuery> {
  const protocol = protocols.find((candidate) => set[candidate].length > 0) ?? 'TCP';
  const ranges = set[protocol];
  const familiar = familiarPorts.find((port) => ranges.some(([from, to]) => from <= port && port <= to));
  return { protocol, port: familiar ?? ranges[0]?.[0] ?? 1 };
}

/** Endpoints that every policy treats alike, in input order; the first member stands for the group. */
type Group = MatrixEndpoint[];

function groupEndpoints(endpoints: readonly MatrixEndpoint[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const endpoint of endpoints) {
    const key = groupKey(endpoint);
    const group = byKey.get(key);
    if (group) group.push(endpoint);
    else byKey.set(key, [endpoint]);
  }
  return [...byKey.values()];
}

function groupKey({ endpoint, judged, known }: MatrixEndpoint): string {
  const role = [judged.ingress, judged.egress, known];
  if (endpoint.kind === 'external') return JSON.stringify(['outside', endpoint.ip, role]);
  const labels = Object.entries(endpoint.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(['pod', endpoint.namespace, labels, portsKey(endpoint), role]);
}

/** The representatives of a source and a destination group, or undefined when there is no connection to judge. */
function pairOf(groups: readonly Group[], i: number, j: number): [MatrixEndpoint, MatrixEndpoint] | undefined {
  const from = groups[i]![0]!;
  const to = i === j ? groups[i]![1] : groups[j]![0];
  if (!to || (from.endpoint.kind === 'external' && to.endpoint.kind === 'external')) return undefined;
  return [from, to];
}

/** Problems in any policy governing an endpoint, and outside addresses that do not parse: no verdict is possible then. */
function inputIssues(model: NetworkModel, groups: readonly Group[]): InputIssue[] {
  const governing = new Set<CompiledPolicy>();
  const issues: InputIssue[] = [];
  for (const [{ endpoint }] of groups as [MatrixEndpoint][]) {
    if (endpoint.kind === 'external') {
      if (!parseIp(endpoint.ip)) issues.push({ object: `endpoint ${endpoint.ip}`, path: 'ip', message: 'not an IPv4 or IPv6 address' });
      continue;
    }
    const selection = model.selection(endpoint);
    for (const policy of [...selection.ingress, ...selection.egress]) governing.add(policy);
  }
  return [...[...governing].flatMap((policy) => policy.issues), ...issues];
}

/**
 * Connection sets by small integer ids, equal sets sharing one id, so that
 * combining two sets is computed once per distinct pair of ids.
 */
class ConnectionSets {
  private readonly sets: ConnectionSet[] = [];
  private readonly byContent = new Map<string, number>();
  private readonly byIdentity = new Map<ConnectionSet, number>();
  private readonly combined = new Map<number, number>();

  /** The id of a set, by content (shared constants such as "no connections" found by identity first). */
  intern(set: ConnectionSet): number {
    const known = this.byIdentity.get(set);
    if (known !== undefined) return known;
    const key = JSON.stringify(set);
    let id = this.byContent.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(set);
      this.byContent.set(key, id);
      this.byIdentity.set(set, id);
    }
    return id;
  }

  get(id: number): ConnectionSet {
    return this.sets[id]!;
  }

  intersect(a: number, b: number): number {
    return this.combine(0, a, b, () => intersectConnections(this.get(a), this.get(b)));
  }

  subtract(a: number, b: number): number {
    return this.combine(1, a, b, () => subtractConnections(this.get(a), this.get(b)));
  }

  union(a: number, b: number): number {
    return this.combine(2, a, b, () => unionConnections(this.get(a), this.get(b)));
  }

  // Ids stay far below 2^24, so the key is exact in a double.
  private combine(operation: number, a: number, b: number, compute: () => ConnectionSet): number {
    const key = (operation * 2 ** 24 + a) * 2 ** 24 + b;
    let id = this.combined.get(key);
    if (id === undefined) this.combined.set(key, (id = this.intern(compute())));
    return id;
  }
}

/**
 * What the policies allow between two groups: the source's egress verdict is
 * shared by every source the same egress policies govern, the destination's
 * ingress verdict by every destination with the same ingress policies and
 * ports (named ports resolve on it). Each rule learns once which groups its
 * peers select and what its ports open towards each destination.
 */
class PairConnections {
  readonly sets = new ConnectionSets();
  private readonly all = this.sets.intern(allConnections);
  private readonly none = this.sets.intern(noConnections);
  /** Per group, the id of its egress (ingress) class; -1 when nothing isolates it. */
  private readonly classOf: Record<Direction, number[]> = { egress: [], ingress: [] };
  /** Per class, the rules of its policies in that direction. */
  private readonly classRules: Record<Direction, CompiledRule[][]> = { egress: [], ingress: [] };
  /** Set ids by class * groups + peer group; -1 until computed. */
  private readonly tables: Record<Direction, Int32Array>;
  private readonly rules = new Map<CompiledRule, RuleReach>();

  constructor(
    private readonly model: NetworkModel,
    private readonly groups: readonly Group[],
  ) {
    const policyIds = new Map<CompiledPolicy, number>();
    const classIds = { egress: new Map<string, number>(), ingress: new Map<string, number>() };
    const classify = (direction: Direction, policies: readonly CompiledPolicy[] | undefined, extra: string): number => {
      if (!policies?.length) return -1;
      const ids = classIds[direction];
      const key = `${policies.map((policy) => idOf(policyIds, policy)).join(',')}|${extra}`;
      if (!ids.has(key)) this.classRules[direction].push(policies.flatMap((policy) => policy.rules[direction]));
      return idOf(ids, key);
    };
    for (const [{ endpoint }] of groups as [MatrixEndpoint][]) {
      const selection = endpoint.kind === 'pod' ? model.selection(endpoint) : undefined;
      this.classOf.egress.push(classify('egress', selection?.egress, ''));
      this.classOf.ingress.push(classify('ingress', selection?.ingress, portsKey(endpoint)));
    }
    this.tables = {
      egress: new Int32Array(classIds.egress.size * groups.length).fill(-1),
      ingress: new Int32Array(classIds.ingress.size * groups.length).fill(-1),
    };
  }

  /** The id of what the policies allow from group i to group j. */
  allowed(i: number, j: number): number {
    return this.sets.intersect(this.direction('egress', i, j), this.direction('ingress', j, i));
  }

  /** What one side's policies allow: group `subject`'s egress to `peer`, or its ingress from `peer`. */
  private direction(direction: Direction, subject: number, peer: number): number {
    const classId = this.classOf[direction][subject]!;
    if (classId < 0) return this.all;
    const table = this.tables[direction];
    const slot = classId * this.groups.length + peer;
    let id = table[slot]!;
    if (id < 0) {
      // Named ports resolve on the destination: the peer for egress, the subject itself for ingress.
      const destination = direction === 'egress' ? peer : subject;
      id = this.none;
      for (const rule of this.classRules[direction][classId]!) {
        const reach = this.reachOf(rule);
        if (reach.selects(peer)) id = this.sets.union(id, reach.opens(destination));
      }
      table[slot] = id;
    }
    return id;
  }

  private reachOf(rule: CompiledRule): RuleReach {
    let reach = this.rules.get(rule);
    if (!reach) this.rules.set(rule, (reach = new RuleReach(this.model, rule, this.groups, this.sets)));
    return reach;
  }
}

/** Which groups one rule's peers select, and the id of what its ports open towards each destination group. */
class RuleReach {
  private readonly selected: Int8Array;
  private readonly opened: Int32Array | undefined;
  private readonly openedEverywhere: number | undefined;

  constructor(
    private readonly model: NetworkModel,
    private readonly rule: CompiledRule,
    private readonly groups: readonly Group[],
    private readonly sets: ConnectionSets,
  ) {
    this.selected = new Int8Array(groups.length).fill(-1);
    const named = rule.ports !== 'all' && rule.ports.some((port) => port.kind === 'named');
    // Without named ports the rule opens the same ports towards every destination.
    this.openedEverywhere = named ? undefined : sets.intern(rulePortConnections(rule.ports, groups[0]![0]!.endpoint));
    this.opened = named ? new Int32Array(groups.length).fill(-1) : undefined;
  }

  selects(group: number): boolean {
    if (this.selected[group]! < 0) this.selected[group] = ruleSelectsPeer(this.model, this.rule, this.groups[group]![0]!.endpoint) ? 1 : 0;
    return this.selected[group] === 1;
  }

  opens(destination: number): number {
    if (this.openedEverywhere !== undefined) return this.openedEverywhere;
    const opened = this.opened!;
    if (opened[destination]! < 0) opened[destination] = this.sets.intern(rulePortConnections(this.rule.ports, this.groups[destination]![0]!.endpoint));
    return opened[destination]!;
  }
}

/** Per pair of groups, the id of what the allowlist lists: the union of the flows whose sides match them. */
class ListedConnections {
  private readonly fromClass: number[];
  private readonly toClass: number[];
  private readonly fromRules: number[][] = [];
  private readonly toRules: Set<number>[] = [];
  private readonly memo = new Map<number, number>();

  constructor(
    groups: readonly Group[],
    private readonly rules: readonly FlowRule[],
    private readonly sets: ConnectionSets,
  ) {
    const classes = (side: 'from' | 'to', store: (rules: number[]) => void) => {
      const ids = new Map<string, number>();
      return groups.map((group) => {
        const matching = rules.flatMap((rule, index) => (sideMatches(rule[side], group[0]!.endpoint) ? [index] : []));
        const key = matching.join(',');
        if (!ids.has(key)) store(matching);
        return idOf(ids, key);
      });
    };
    this.fromClass = classes('from', (matching) => this.fromRules.push(matching));
    this.toClass = classes('to', (matching) => this.toRules.push(new Set(matching)));
  }

  between(i: number, j: number): number {
    const from = this.fromClass[i]!;
    const to = this.toClass[j]!;
    const key = from * this.toRules.length + to;
    let id = this.memo.get(key);
    if (id === undefined) {
      const union = this.fromRules[from]!.filter((index) => this.toRules[to]!.has(index)).reduce((set, index) => unionConnections(set, this.rules[index]!.connections), noConnections);
      this.memo.set(key, (id = this.sets.intern(union)));
    }
    return id;
  }
}

function portsKey(endpoint: Endpoint): string {
  return endpoint.kind === 'pod' ? endpoint.ports.map((port) => `${port.name ?? ''}:${port.port}/${port.protocol}`).sort().join(' ') : '';
}

function idOf<T>(ids: Map<T, number>, item: T): number {
  let id = ids.get(item);
  if (id === undefined) ids.set(item, (id = ids.size));
  return id;
}

export function sideMatches(side: FlowSide, endpoint: Endpoint): boolean {
  switch (side.kind) {
    case 'anywhere':
      return true;
    case 'pods':
      return endpoint.kind === 'pod' && (side.namespace === undefined || side.namespace === endpoint.namespace) && side.pods(endpoint.labels);
    case 'outside': {
      const ip = endpoint.kind === 'external' ? parseIp(endpoint.ip) : undefined;
      return ip !== undefined && cidrContains(side.cidr, ip) && !side.except.some((excluded) => cidrContains(excluded, ip));
    }
  }
}
