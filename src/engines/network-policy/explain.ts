import type { Side } from './rule-match.js';
import { endpointName, type ConnectionQuery, type DirectionVerdict, type RuleRef } from './types.js';

/** A rule that selects the peer but not this port: the likeliest fix for a learner. */
export interface NearMiss {
  rule: RuleRef;
  /** What the rule does open towards the destination, e.g. `UDP 53`; undefined when nothing. */
  opens: string | undefined;
}

interface SideFacts {
  side: Side;
  query: Required<ConnectionQuery>;
  /** The subject is outside the cluster, so no policy governs this side. */
  outside: boolean;
  isolatedBy: string[];
  allowedBy: RuleRef[];
  nearMisses: NearMiss[];
}

const maxNearMisses = 2;

export function directionSummary(facts: SideFacts): string {
  const { side, query, isolatedBy, allowedBy } = facts;
  const subject = endpointName(side.subject);
  const peer = endpointName(side.peer);
  const traffic = `${query.protocol} ${query.port} ${side.direction === 'egress' ? 'to' : 'from'} ${peer}`;
  if (facts.outside) {
    return `${subject} is outside the cluster, so no NetworkPolicy governs its ${side.direction}; only ${peer}'s policies apply.`;
  }
  if (isolatedBy.length === 0) {
    return side.direction === 'egress'
      ? `No NetworkPolicy isolates egress of ${subject}, so it may send anything.`
      : `No NetworkPolicy isolates ingress of ${subject}, so it accepts anything.`;
  }
  const isolation = `${subject} is ${side.direction}-isolated by ${listing(isolatedBy)}`;
  if (allowedBy.length > 0) {
    return `${isolation}; ${listing(allowedBy.map(ruleName))} ${allowedBy.length === 1 ? 'allows' : 'allow'} ${traffic}.`;
  }
  const their = isolatedBy.length === 1 ? 'its' : 'their';
  return `${isolation}, and none of ${their} ${side.direction} rules allows ${traffic}.${nearMissNote(facts)}`;
}

export function verdictExplanation(allowed: boolean, egress: DirectionVerdict, ingress: DirectionVerdict): string {
  if (allowed) return `Allowed. ${egress.summary} ${ingress.summary}`;
  const blocked = [egress, ingress].filter((side) => !side.allowed).map((side) => side.summary);
  return `Denied. ${blocked.join(' ')}`;
}

function ruleName(rule: RuleRef): string {
  return `${rule.policy} ${rule.path}`;
}

function nearMissNote(facts: SideFacts): string {
  const shown = facts.nearMisses.slice(0, maxNearMisses);
  if (shown.length === 0) return '';
  const peer = endpointName(facts.side.peer);
  const destination = endpointName(facts.side.destination);
  const notes = shown.map(({ rule, opens }) =>
    opens === undefined
      ? `${ruleName(rule)} selects ${peer}, but none of its ports exist on ${destination} (named ports resolve on the destination pod)`
      : `${ruleName(rule)} selects ${peer}, but only for ${opens}`,
  );
  return ` (${notes.join('; ')}.)`;
}

function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
