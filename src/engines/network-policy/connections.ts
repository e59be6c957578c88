import {
  allConnections,
  intersectConnections,
  noConnections,
  rulePortConnections,
  unionConnections,
  type ConnectionSet,
} from './connection-set.js';
import type { NetworkModel } from './model.js';
import { blockingIssues, governingPolicies, ruleSelectsPeer, sidesOf, type Side } from './rule-match.js';
import type { Endpoint, Outcome } from './types.js';

/**
 * Every protocol and port on which `from` may reach `to`: the intersection of
 * what the source's egress and the destination's ingress allow.
 */
export function allowedConnections(model: NetworkModel, from: Endpoint, to: Endpoint): Outcome<ConnectionSet> {
  const sides = sidesOf(from, to);
  const issues = blockingIssues(model, sides);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: intersectConnections(sideConnections(model, sides.egress), sideConnections(model, sides.ingress)) };
}

function sideConnections(model: NetworkModel, side: Side): ConnectionSet {
  const policies = governingPolicies(model, side);
  if (!policies || policies.length === 0) return allConnections;
  let allowed = noConnections;
  for (const policy of policies) {
    for (const rule of policy.rules[side.direction]) {
      if (ruleSelectsPeer(model, rule, side.peer)) allowed = unionConnections(allowed, rulePortConnections(rule.ports, side.destination));
    }
  }
  return allowed;
}
