import { cidrContains, cidrStrictlyInside, parseCidr, type Cidr, type IpAddress } from './cidr.js';
import { compileRulePorts, type RulePorts } from './ports.js';
import { compileLabelSelector, matchesEverything, type LabelMatcher } from './selector.js';
import { isAbsent, isRecord, listAt, stringAt } from './shape.js';
import type { Direction, InputIssue, ReportIssue } from './types.js';

/** Which namespaces a selector peer reaches into. */
export type NamespaceScope = { kind: 'own'; namespace: string } | { kind: 'matching'; matches: LabelMatcher };

export type CompiledPeer =
  | { kind: 'pods'; key: string; namespaces: NamespaceScope; pods: LabelMatcher }
  | { kind: 'ipBlock'; cidr: Cidr; except: Cidr[] };

export interface CompiledRule {
  index: number;
  path: string;
  /** An empty or absent `from`/`to` matches every source/destination, in or out of the cluster. */
  peers: CompiledPeer[] | 'all';
  ports: RulePorts;
}

export interface CompiledPolicy {
  /** `namespace/name`. */
  ref: string;
  namespace: string;
  selectsPod: LabelMatcher;
  isolates: Record<Direction, boolean>;
  rules: Record<Direction, CompiledRule[]>;
  issues: InputIssue[];
}

const peerField = { ingress: 'from', egress: 'to' } as const;

/** Compiles one networking.k8s.io/v1 NetworkPolicy; problems land in `issues`, nothing throws. */
export function compilePolicy(policy: unknown, position: number): CompiledPolicy {
  const metadata = isRecord(policy) && isRecord(policy.metadata) ? policy.metadata : {};
  const namespace = stringAt(metadata.namespace) ?? 'default';
  const ref = `${namespace}/${stringAt(metadata.name) ?? `<unnamed policy #${position + 1}>`}`;
  const issues: InputIssue[] = [];
  const report: ReportIssue = (path, message) => issues.push({ object: `NetworkPolicy ${ref}`, path, message });
  const spec = isRecord(policy) && isRecord(policy.spec) ? policy.spec : {};
  const rules = {
    ingress: compileRules(spec.ingress, 'ingress', namespace, report),
    egress: compileRules(spec.egress, 'egress', namespace, report),
  };
  return {
    ref,
    namespace,
    selectsPod: compileLabelSelector(spec.podSelector, 'spec.podSelector', report),
    isolates: isolatedDirections(spec.policyTypes, rules.egress.length > 0, report),
    rules,
    issues,
  };
}

/**
 * Present `policyTypes` is authoritative; absent (or empty) means Ingress,
 * plus Egress only when there are egress rules (`egress: []` isolates nothing).
 */
function isolatedDirections(policyTypes: unknown, hasEgressRules: boolean, report: ReportIssue): Record<Direction, boolean> {
  const types = listAt(policyTypes, 'spec.policyTypes', report);
  if (!types || types.length === 0) return { ingress: true, egress: hasEgressRules };
  types.forEach((type, index) => {
    if (type !== 'Ingress' && type !== 'Egress') report(`spec.policyTypes[${index}]`, `${JSON.stringify(type)} is not Ingress or Egress`);
  });
  return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
}

function compileRules(value: unknown, direction: Direction, namespace: string, report: ReportIssue): CompiledRule[] {
  const rules = listAt(value, `spec.${direction}`, report) ?? [];
  return rules.map((rule, index) => {
    const path = `spec.${direction}[${index}]`;
    if (!isRecord(rule)) {
      report(path, 'expected a rule ({from|to, ports})');
      return { index, path, peers: [], ports: [] };
    }
    const field = peerField[direction];
    const peers = listAt(rule[field], `${path}.${field}`, report);
    return {
      index,
      path,
      peers: !peers || peers.length === 0
        ? 'all'
        : peers.flatMap((peer, peerIndex) => compilePeer(peer, `${path}.${field}[${peerIndex}]`, namespace, report) ?? []),
      ports: compileRulePorts(rule.ports, `${path}.ports`, report),
    };
  });
}

function compilePeer(peer: unknown, path: string, namespace: string, report: ReportIssue): CompiledPeer | undefined {
  if (!isRecord(peer)) {
    report(path, 'expected a peer (podSelector, namespaceSelector or ipBlock)');
    return undefined;
  }
  const hasSelector = !isAbsent(peer.podSelector) || !isAbsent(peer.namespaceSelector);
  if (!isAbsent(peer.ipBlock)) {
    if (hasSelector) report(path, 'a peer cannot combine ipBlock with podSelector or namespaceSelector; split it into two peers');
    return compileIpBlock(peer.ipBlock, `${path}.ipBlock`, report);
  }
  if (!hasSelector) {
    report(path, 'empty peer: set podSelector, namespaceSelector or ipBlock');
    return undefined;
  }
  // namespaceSelector and podSelector in ONE peer must both match (AND).
  const namespaces: NamespaceScope = isAbsent(peer.namespaceSelector)
    ? { kind: 'own', namespace }
    : { kind: 'matching', matches: compileLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`, report) };
  return {
    kind: 'pods',
    key: JSON.stringify([isAbsent(peer.namespaceSelector) ? namespace : peer.namespaceSelector, peer.podSelector ?? null]),
    namespaces,
    pods: isAbsent(peer.podSelector) ? matchesEverything : compileLabelSelector(peer.podSelector, `${path}.podSelector`, report),
  };
}

function compileIpBlock(block: unknown, path: string, report: ReportIssue): CompiledPeer | undefined {
  if (!isRecord(block) || typeof block.cidr !== 'string') {
    report(path, 'expected {cidr, except}');
    return undefined;
  }
  const cidr = parseCidr(block.cidr);
  if (!cidr) {
    report(`${path}.cidr`, `${JSON.stringify(block.cidr)} is not a CIDR such as 10.0.0.0/8 or fd00::/8`);
    return undefined;
  }
  const except: Cidr[] = [];
  (listAt(block.except, `${path}.except`, report) ?? []).forEach((text, index) => {
    const excluded = typeof text === 'string' ? parseCidr(text) : undefined;
    if (!excluded) report(`${path}.except[${index}]`, `${JSON.stringify(text)} is not a CIDR`);
    else if (!cidrStrictlyInside(excluded, cidr)) report(`${path}.except[${index}]`, `${text} is not inside ${block.cidr}`);
    else except.push(excluded);
  });
  return { kind: 'ipBlock', cidr, except };
}

export function ipBlockContains(peer: Extract<CompiledPeer, { kind: 'ipBlock' }>, ip: IpAddress): boolean {
  return cidrContains(peer.cidr, ip) && !peer.except.some((excluded) => cidrContains(excluded, ip));
}
