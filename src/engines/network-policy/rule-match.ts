import { parseIp, type IpAddress } from './cidr.js';
import type { NetworkModel } from './model.js';
import { ipBlockContains, type CompiledPeer, type CompiledPolicy, type CompiledRule } from './policy.js';
import type { Direction, Endpoint, ExternalEndpoint, InputIssue } from './types.js';

/** The two ends of a connection, seen from the side a direction's policies govern. */
export interface Side {
  direction: Direction;
  /** The endpoint whose policies apply: the source for egress, the destination for ingress. */
  subject: Endpoint;
  /** The endpoint the rules must select: the destination for egress, the source for ingress. */
  peer: Endpoint;
  /** Named ports always resolve here, in both directions. */
  destination: Endpoint;
}

export function sidesOf(from: Endpoint, to: Endpoint): Record<Direction, Side> {
  return {
    egress: { direction: 'egress', subject: from, peer: to, destination: to },
    ingress: { direction: 'ingress', subject: to, peer: from, destination: to },
  };
}

/**
 * The policies isolating the subject in this direction, or undefined for an
 * external subject: NetworkPolicy governs pods only.
 */
export function governingPolicies(model: NetworkModel, side: Side): CompiledPolicy[] | undefined {
  return side.subject.kind === 'pod' ? model.selection(side.subject)[side.direction] : undefined;
}

/** Problems in the policies a verdict depends on, plus an unparsable external address. */
export function blockingIssues(model: NetworkModel, sides: Record<Direction, Side>): InputIssue[] {
  const policies = [...(governingPolicies(model, sides.egress) ?? []), ...(governingPolicies(model, sides.ingress) ?? [])];
  const issues = policies.flatMap((policy) => policy.issues);
  for (const endpoint of [sides.egress.subject, sides.egress.peer]) {
    if (endpoint.kind === 'external' && !addressOf(endpoint)) {
      issues.push({ object: `endpoint ${endpoint.ip}`, path: 'ip', message: 'not an IPv4 or IPv6 address' });
    }
  }
  return issues;
}

export function ruleSelectsPeer(model: NetworkModel, rule: CompiledRule, peer: Endpoint): boolean {
  return rule.peers === 'all' || rule.peers.some((candidate) => peerMatches(model, candidate, peer));
}

/**
 * ipBlock peers match external addresses only, never pods (even when a pod IP
 * falls inside the block); selector peers match pods only. The API leaves
 * ipBlock on pod IPs to the implementation; this is the np-guard
 * netpol-analyzer's choice, which our conformance corpus encodes.
 */
function peerMatches(model: NetworkModel, peer: CompiledPeer, endpoint: Endpoint): boolean {
  if (peer.kind === 'ipBlock') {
    if (endpoint.kind !== 'external') return false;
    const ip = addressOf(endpoint);
    return ip !== undefined && ipBlockContains(peer, ip);
  }
  if (endpoint.kind !== 'pod') return false;
  const namespaceMatches = peer.namespaces.kind === 'own'
    ? endpoint.namespace === peer.namespaces.namespace
    : peer.namespaces.matches(model.namespaceLabels(endpoint.namespace));
  return namespaceMatches && peer.pods(endpoint.labels);
}

// A rule may list hundreds of ipBlocks: parse each external address once.
const addresses = new WeakMap<ExternalEndpoint, IpAddress | undefined>();

function addressOf(endpoint: ExternalEndpoint): IpAddress | undefined {
  if (!addresses.has(endpoint)) addresses.set(endpoint, parseIp(endpoint.ip));
  return addresses.get(endpoint);
}
