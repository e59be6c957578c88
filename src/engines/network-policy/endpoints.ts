import type { Pod } from '../../model/k8s.js';
import { isPortNumber } from './ports.js';
import { isRecord, labelsOf, stringAt } from './shape.js';
import type { EndpointPort, ExternalEndpoint, PodEndpoint } from './types.js';

/** The parts of a Pod (from the API server or a manifest) that NetworkPolicy looks at. */
export function podEndpoint(pod: Pod | unknown): PodEndpoint {
  const object = isRecord(pod) ? pod : {};
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const spec = isRecord(object.spec) ? object.spec : {};
  const status = isRecord(object.status) ? object.status : {};
  return {
    kind: 'pod',
    namespace: stringAt(metadata.namespace) ?? 'default',
    name: stringAt(metadata.name) ?? stringAt(metadata.generateName) ?? '<unnamed>',
    labels: labelsOf(metadata.labels),
    ports: containerPorts(spec.containers),
    podIPs: podIPs(status),
  };
}

export function externalEndpoint(ip: string): ExternalEndpoint {
  return { kind: 'external', ip };
}

function containerPorts(containers: unknown): EndpointPort[] {
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((container) => {
    const ports: unknown = isRecord(container) ? container.ports : undefined;
    if (!Array.isArray(ports)) return [];
    return ports.flatMap((port): EndpointPort[] => {
      if (!isRecord(port) || !isPortNumber(port.containerPort)) return [];
      const name = stringAt(port.name);
      const protocol = stringAt(port.protocol) ?? 'TCP';
      return [name === undefined ? { port: port.containerPort, protocol } : { name, port: port.containerPort, protocol }];
    });
  });
}

function podIPs(status: Record<string, unknown>): string[] {
  const listed = Array.isArray(status.podIPs)
    ? status.podIPs.flatMap((entry) => (isRecord(entry) && typeof entry.ip === 'string' ? [entry.ip] : []))
    : [];
  const primary = stringAt(status.podIP);
  return primary === undefined || listed.includes(primary) ? listed : [primary, ...listed];
}
