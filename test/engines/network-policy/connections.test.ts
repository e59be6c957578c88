import { describe, expect, it } from 'vitest';
import { allowedConnections, buildNetworkModel, connectionsOf, describeConnections } from '../../../src/engines/network-policy/index.js';
import { subtractConnections } from '../../../src/engines/network-policy/connection-set.js';
import { pod, policy } from './helpers/objects.js';

describe('allowedConnections', () => {
  const client = pod('app/client', { role: 'client' });
  const server = pod('app/server', { role: 'server' }, [{ name: 'metrics', port: 9090, protocol: 'TCP' }]);

  function between(policies: ReturnType<typeof policy>[]): string {
    const model = buildNetworkModel({ pods: [client, server], policies });
    const result = allowedConnections(model, model.findPod('app', 'client')!, model.findPod('app', 'server')!);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return describeConnections(result.value);
  }

  it('is every connection without policies', () => {
    expect(between([])).toBe('All Connections');
  });

  it('unions the rules of one side, merging adjacent ranges and resolving named ports', () => {
    const serverIn = policy('app/server-in', {
      podSelector: { matchLabels: { role: 'server' } },
      ingress: [{ ports: [{ port: 8000, endPort: 8079 }, { port: 53, protocol: 'UDP' }] }, { ports: [{ port: 8080 }, { port: 'metrics' }] }],
    });
    expect(between([serverIn])).toBe('TCP 8000-8080,9090, UDP 53');
  });

  it('intersects what the source may send with what the destination accepts', () => {
    const clientOut = policy('app/client-out', {
      podSelector: { matchLabels: { role: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 8050, endPort: 9000 }, { protocol: 'SCTP' }] }],
    });
    const serverIn = policy('app/server-in', { podSelector: { matchLabels: { role: 'server' } }, ingress: [{ ports: [{ port: 8000, endPort: 8080 }] }] });
    expect(between([clientOut, serverIn])).toBe('TCP 8050-8080');
    expect(between([clientOut])).toBe('TCP 8050-9000, SCTP 1-65535');
  });

  it('is no connection when an isolating policy has no matching rule', () => {
    expect(between([policy('app/deny', { podSelector: {} })])).toBe('no connections');
  });
});

describe('connection set arithmetic', () => {
  const set = (...ranges: [protocol: 'TCP' | 'UDP', from: number, to: number][]) => connectionsOf(ranges.map(([protocol, from, to]) => ({ protocol, from, to })));

  it('builds merged sets from ranges of several protocols', () => {
    expect(describeConnections(set(['TCP', 80, 80], ['TCP', 81, 90], ['UDP', 53, 53]))).toBe('TCP 80-90, UDP 53');
  });

  it('subtracts ranges, splitting those that a hole falls into, per protocol', () => {
    expect(describeConnections(subtractConnections(set(['TCP', 1, 65535], ['UDP', 53, 53]), set(['TCP', 8080, 8080], ['TCP', 1, 22], ['UDP', 1, 100])))).toBe('TCP 23-8079,8081-65535');
    expect(describeConnections(subtractConnections(set(['TCP', 10, 20]), set(['TCP', 5, 25])))).toBe('no connections');
  });
});
