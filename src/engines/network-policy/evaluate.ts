import { describeConnections, isNoConnection, rulePortConnections } from './connection-set.js';
import { directionSummary, verdictExplanation, type NearMiss } from './explain.js';
import type { NetworkModel } from './model.js';
import { isPortNumber, rulePortsAdmit } from './ports.js';
import { blockingIssues, governingPolicies, ruleSelectsPeer, sidesOf, type Side } from './rule-match.js';
import {
  isProtocol,
  type ConnectionQuery,
  type ConnectionVerdict,
  type DirectionVerdict,
  type Endpoint,
  type InputIssue,
  type Outcome,
  type RuleRef,
} from './types.js';

/**
 * Whether `from` may open a connection to `to` on a port: the source's egress
 * AND the destination's ingress must both allow it. Returns the issues instead
 * of a verdict when the input makes a verdict impossible (e.g. a bad CIDR in a
 * policy that selects one of the endpoints).
 */
export function evaluateConnection(
  model: NetworkModel,
  from: Endpoint,
  to: Endpoint,
  query: ConnectionQuery,
): Outcome<ConnectionVerdict> {
  const checked = checkQuery(query);
  if (!checked.ok) return checked;
  const sides = sidesOf(from, to);
  const issues = blockingIssues(model, sides);
  if (issues.length > 0) return { ok: false, issues };
  const egress = judgeSide(model, sides.egress, checked.value);
  const ingress = judgeSide(model, sides.ingress, checked.value);
  const allowed = egress.allowed && ingress.allowed;
  return { ok: true, value: { allowed, egress, ingress, explanation: verdictExplanation(allowed, egress, ingress) } };
}

export function checkQuery(query: ConnectionQuery): Outcome<Required<ConnectionQuery>> {
  const protocol = query.protocol ?? 'TCP';
  const issues: InputIssue[] = [];
  if (!isPortNumber(query.port)) issues.push({ object: 'connection', path: 'port', message: `${JSON.stringify(query.port)} is not a port number (1-65535)` });
  if (!isProtocol(protocol)) issues.push({ object: 'connection', path: 'protocol', message: `${JSON.stringify(protocol)} is not TCP, UDP or SCTP` });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: { port: query.port, protocol } };
}

function judgeSide(model: NetworkModel, side: Side, query: Required<ConnectionQuery>): DirectionVerdict {
  const policies = governingPolicies(model, side);
  const isolatedBy = (policies ?? []).map((policy) => policy.ref);
  const allowedBy: RuleRef[] = [];
  const nearMisses: NearMiss[] = [];
  for (const policy of policies ?? []) {
    for (const rule of policy.rules[side.direction]) {
      if (!ruleSelectsPeer(model, rule, side.peer)) continue;
      const ref = { policy: policy.ref, rule: rule.index, path: rule.path };
      if (rulePortsAdmit(rule.ports, query, side.destination)) allowedBy.push(ref);
      else {
        const opens = rulePortConnections(rule.ports, side.destination);
        nearMisses.push({ rule: ref, opens: isNoConnection(opens) ? undefined : describeConnections(opens) });
      }
    }
  }
  const isolated = isolatedBy.length > 0;
  const allowed = !isolated || allowedBy.length > 0;
  const summary = directionSummary({ side, query, outside: policies === undefined, isolatedBy, allowedBy, nearMisses });
  return { allowed, isolated, isolatedBy, allowedBy, summary };
}
