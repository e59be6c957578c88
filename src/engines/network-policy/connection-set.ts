import { maxPort, minPort, resolveNamedPort, type RulePorts } from './ports.js';
import { protocols, type Endpoint, type Protocol } from './types.js';

/** Inclusive port range. */
export type PortRange = readonly [number, number];

/** Allowed ports per protocol, each list sorted and merged. */
export type ConnectionSet = Readonly<Record<Protocol, readonly PortRange[]>>;

const everyPort: readonly PortRange[] = [[minPort, maxPort]];

export const allConnections: ConnectionSet = { TCP: everyPort, UDP: everyPort, SCTP: everyPort };
export const noConnections: ConnectionSet = { TCP: [], UDP: [], SCTP: [] };

/** Sets built here are merged, so "every port" is exactly one full range. */
export function isAllConnections(set: ConnectionSet): boolean {
  return protocols.every((protocol) => {
    const [only, ...rest] = set[protocol];
    return rest.length === 0 && only?.[0] === minPort && only[1] === maxPort;
  });
}

export function isNoConnection(set: ConnectionSet): boolean {
  return protocols.every((protocol) => set[protocol].length === 0);
}

export function unionConnections(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  return perProtocol((protocol) => mergeRanges([...a[protocol], ...b[protocol]]));
}

export function intersectConnections(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  return perProtocol((protocol) => intersectRanges(a[protocol], b[protocol]));
}

/** What `a` allows and `b` does not. */
export function subtractConnections(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  return perProtocol((protocol) => subtractRanges(a[protocol], b[protocol]));
}

/** A set from port ranges of any protocols, e.g. `[{protocol: 'UDP', from: 53, to: 53}]`. */
export function connectionsOf(ranges: readonly { protocol: Protocol; from: number; to: number }[]): ConnectionSet {
  return perProtocol((protocol) => mergeRanges(ranges.filter((range) => range.protocol === protocol).map((range): PortRange => [range.from, range.to])));
}

/** What a rule's `ports` allow towards one destination (named ports resolved on it). */
export function rulePortConnections(ports: RulePorts, destination: Endpoint): ConnectionSet {
  if (ports === 'all') return allConnections;
  const ranges: Record<Protocol, PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
  for (const port of ports) {
    if (port.kind === 'any') ranges[port.protocol].push([minPort, maxPort]);
    else if (port.kind === 'range') ranges[port.protocol].push([port.from, port.to]);
    else {
      const resolved = resolveNamedPort(destination, port.name, port.protocol);
      if (resolved !== undefined) ranges[port.protocol].push([resolved, resolved]);
    }
  }
  return perProtocol((protocol) => mergeRanges(ranges[protocol]));
}

/** `All Connections`, or e.g. `TCP 53,8000-8080, UDP 53`, or `no connections`. */
export function describeConnections(set: ConnectionSet): string {
  if (isAllConnections(set)) return 'All Connections';
  if (isNoConnection(set)) return 'no connections';
  return protocols
    .filter((protocol) => set[protocol].length > 0)
    .map((protocol) => `${protocol} ${set[protocol].map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(',')}`)
    .join(', ');
}

export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const result: PortRange[] = [];
  for (const [fromA, toA] of a) {
    for (const [fromB, toB] of b) {
      const from = Math.max(fromA, fromB);
      const to = Math.min(toA, toB);
      if (from <= to) result.push([from, to]);
    }
  }
  return mergeRanges(result);
}

function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  let remaining: PortRange[] = [...a];
  for (const [cutFrom, cutTo] of b) {
    remaining = remaining.flatMap(([from, to]): PortRange[] => {
      if (cutTo < from || to < cutFrom) return [[from, to]];
      const pieces: PortRange[] = [];
      if (from < cutFrom) pieces.push([from, cutFrom - 1]);
      if (cutTo < to) pieces.push([cutTo + 1, to]);
      return pieces;
    });
  }
  return remaining;
}

function perProtocol(ranges: (protocol: Protocol) => PortRange[]): ConnectionSet {
  return { TCP: ranges('TCP'), UDP: ranges('UDP'), SCTP: ranges('SCTP') };
}
