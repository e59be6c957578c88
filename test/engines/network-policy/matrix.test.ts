import { describe, expect, it } from 'vitest';
import {
  buildNetworkModel,
  evaluateConnection,
  reachabilityMatrix,
  type ConnectionQuery,
  type NetworkModelInput,
} from '../../../src/engines/network-policy/index.js';
import { pod, policy } from './helpers/objects.js';
import { syntheticCluster } from './helpers/synthetic-cluster.js';

function matrixRows(input: NetworkModelInput, query: ConnectionQuery): boolean[][] {
  const result = reachabilityMatrix(buildNetworkModel(input), query);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value.rows();
}

const client = pod('app/client', { role: 'client' });
const server = pod('app/server', { role: 'server' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
const other = pod('app/other', { role: 'other' }, [{ port: 8080, protocol: 'TCP' }]);

describe('reachabilityMatrix', () => {
  it('is all true without policies, rows being sources and columns destinations', () => {
    expect(matrixRows({ pods: [client, server] }, { port: 80 })).toEqual([[true, true], [true, true]]);
  });

  it('narrows egress named ports to destinations that declare them', () => {
    const clientOut = policy('app/client-out', {
      podSelector: { matchLabels: { role: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'http' }] }],
    });
    expect(matrixRows({ pods: [client, server, other], policies: [clientOut] }, { port: 8080 })).toEqual([
      [false, true, false],
      [true, true, true],
      [true, true, true],
    ]);
  });

  it('resolves ingress named ports on each destination', () => {
    const httpIn = policy('app/http-in', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] });
    expect(matrixRows({ pods: [client, server, other], policies: [httpIn] }, { port: 8080 })).toEqual([
      [false, true, false],
      [false, true, false],
      [false, true, false],
    ]);
  });

  it('reports the issues of a policy that governs one of its pods', () => {
    const broken = policy('app/broken', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0/8' } }] }] });
    const result = reachabilityMatrix(buildNetworkModel({ pods: [client], policies: [broken] }), { port: 80 });
    expect(result).toEqual({
      ok: false,
      issues: [{ object: 'NetworkPolicy app/broken', path: 'spec.ingress[0].from[0].ipBlock.cidr', message: '"10.0.0/8" is not a CIDR such as 10.0.0.0/8 or fd00::/8' }],
    });
  });

  it('ignores the issues of a policy that governs none of its pods', () => {
    const elsewhere = policy('other/broken', { podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] });
    expect(reachabilityMatrix(buildNetworkModel({ pods: [client], policies: [elsewhere] }), { port: 80 }).ok).toBe(true);
  });

  it.each([1, 2, 3, 4, 5])('agrees with evaluateConnection on every pair of a synthetic cluster (seed %i)', (seed) => {
    const model = buildNetworkModel(syntheticCluster({ pods: 36, namespaces: 4, policies: 14, seed }));
    const queries: ConnectionQuery[] = [{ port: 8080 }, { port: 9090 }, { port: 53, protocol: 'UDP' }, { port: 8100 }, { port: 5432 }];
    for (const query of queries) {
      const matrix = reachabilityMatrix(model, query);
      if (!matrix.ok) throw new Error(JSON.stringify(matrix.issues));
      const disagreements: string[] = [];
      let allowedCount = 0;
      model.pods.forEach((from, i) =>
        model.pods.forEach((to, j) => {
          const single = evaluateConnection(model, from, to, query);
          if (!single.ok) throw new Error(JSON.stringify(single.issues));
          if (single.value.allowed) allowedCount++;
          if (single.value.allowed !== matrix.value.allowed(i, j)) disagreements.push(`${from.name} -> ${to.name}`);
        }),
      );
      expect(disagreements, `${query.protocol ?? 'TCP'} ${query.port}`).toEqual([]);
      // Neither all-open nor all-closed: the comparison has both answers to get wrong.
      expect(allowedCount).toBeGreaterThan(0);
      expect(allowedCount).toBeLessThan(model.pods.length ** 2);
    }
  });
});
