import { isAbsent, isRecord, listAt } from './shape.js';
import { isProtocol, type ConnectionQuery, type Endpoint, type Protocol, type ReportIssue } from './types.js';

export const minPort = 1;
export const maxPort = 65535;

/** One entry of a rule's `ports`, with its protocol defaulted to TCP. */
export type CompiledPort =
  | { protocol: Protocol; kind: 'any' }
  | { protocol: Protocol; kind: 'range'; from: number; to: number }
  | { protocol: Protocol; kind: 'named'; name: string };

/** An empty or absent `ports` matches every port of every protocol. */
export type RulePorts = CompiledPort[] | 'all';

export function compileRulePorts(value: unknown, path: string, report: ReportIssue): RulePorts {
  const entries = listAt(value, path, report);
  if (!entries || entries.length === 0) return 'all';
  return entries.flatMap((entry, index) => compilePort(entry, `${path}[${index}]`, report) ?? []);
}

function compilePort(entry: unknown, path: string, report: ReportIssue): CompiledPort | undefined {
  if (!isRecord(entry)) {
    report(path, 'expected {protocol, port, endPort}');
    return undefined;
  }
  const protocol = isAbsent(entry.protocol) ? 'TCP' : entry.protocol;
  if (!isProtocol(protocol)) {
    report(`${path}.protocol`, `${JSON.stringify(protocol)} is not TCP, UDP or SCTP`);
    return undefined;
  }
  const { port, endPort } = entry;
  if (isAbsent(port)) {
    if (!isAbsent(endPort)) report(`${path}.endPort`, 'endPort needs a numeric port');
    return { protocol, kind: 'any' };
  }
  if (typeof port === 'string') return namedPort(protocol, port, endPort, path, report);
  if (!isPortNumber(port)) {
    report(`${path}.port`, `${JSON.stringify(port)} is not a port number (${minPort}-${maxPort}) or a port name`);
    return undefined;
  }
  if (isAbsent(endPort)) return { protocol, kind: 'range', from: port, to: port };
  if (!isPortNumber(endPort) || endPort < port) {
    report(`${path}.endPort`, `${JSON.stringify(endPort)} must be a port number >= port ${port}`);
    return undefined;
  }
  return { protocol, kind: 'range', from: port, to: endPort };
}

function namedPort(protocol: Protocol, name: string, endPort: unknown, path: string, report: ReportIssue): CompiledPort | undefined {
  if (!/[a-z]/i.test(name)) {
    // The API server rejects "80" as a port name; a manifest author meant the number.
    report(`${path}.port`, `${JSON.stringify(name)} is a string, not a port name; write the port as a number`);
    return undefined;
  }
  if (!isAbsent(endPort)) {
    report(`${path}.endPort`, 'endPort can only be used with a numeric port, not a named port');
    return undefined;
  }
  return { protocol, kind: 'named', name };
}

export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= minPort && value <= maxPort;
}

/**
 * Named ports resolve on the destination pod's container ports (name and
 * protocol), in both directions; an external destination declares none.
 */
export function resolveNamedPort(destination: Endpoint, name: string, protocol: Protocol): number | undefined {
  if (destination.kind !== 'pod') return undefined;
  return destination.ports.find((port) => port.name === name && port.protocol === protocol)?.port;
}

function portAdmits(port: CompiledPort, query: Required<ConnectionQuery>, destination: Endpoint): boolean {
  if (port.protocol !== query.protocol) return false;
  switch (port.kind) {
    case 'any':
      return true;
    case 'range':
      return port.from <= query.port && query.port <= port.to;
    case 'named':
      return resolveNamedPort(destination, port.name, port.protocol) === query.port;
  }
}

export function rulePortsAdmit(ports: RulePorts, query: Required<ConnectionQuery>, destination: Endpoint): boolean {
  return ports === 'all' || ports.some((port) => portAdmits(port, query, destination));
}
