import { describe, expect, it } from 'vitest';
import {
  allowedConnections,
  buildNetworkModel,
  describeConnections,
  evaluateConnection,
  externalEndpoint,
  reachabilityMatrix,
  type ConnectionQuery,
  type Endpoint,
  type NetworkModel,
} from '../../../src/engines/network-policy/index.js';
import { noConnections } from '../../../src/engines/network-policy/connection-set.js';
import { caseNames, loadCase, rangeSamples, type CorpusCase } from './helpers/corpus.js';

// Every case of the np-guard netpol-analyzer corpus: each pod pair (and each
// pod against the boundaries of each external range) must get exactly the
// connections the analyzer lists. Pods of one workload are not compared with
// each other: the analyzer does not report a workload's connections to itself.

interface Comparison {
  checked: number;
  mismatches: string[];
}

function modelOf(corpusCase: CorpusCase): NetworkModel {
  return buildNetworkModel({
    namespaces: corpusCase.namespaces,
    pods: corpusCase.pods.map(({ pod }) => pod),
    policies: corpusCase.policies,
  });
}

function compare(model: NetworkModel, corpusCase: CorpusCase, pairs: Iterable<[Endpoint, Endpoint, string]>): Comparison {
  const result: Comparison = { checked: 0, mismatches: [] };
  for (const [from, to, key] of pairs) {
    const actual = allowedConnections(model, from, to);
    const expected = describeConnections(corpusCase.expected.get(key) ?? noConnections);
    const got = actual.ok ? describeConnections(actual.value) : `error: ${JSON.stringify(actual.issues)}`;
    result.checked++;
    if (got !== expected) result.mismatches.push(`${key} (${JSON.stringify(from)} -> ${JSON.stringify(to)}): expected ${expected}, got ${got}`);
  }
  return result;
}

function* podPairs(model: NetworkModel, corpusCase: CorpusCase): Generator<[Endpoint, Endpoint, string]> {
  for (const [i, source] of corpusCase.pods.entries()) {
    for (const [j, target] of corpusCase.pods.entries()) {
      if (source.workload !== target.workload) yield [model.pods[i]!, model.pods[j]!, `${source.workload} => ${target.workload}`];
    }
  }
}

function* externalPairs(model: NetworkModel, corpusCase: CorpusCase): Generator<[Endpoint, Endpoint, string]> {
  const { sources, destinations } = corpusCase.externalRanges;
  for (const [index, { workload }] of corpusCase.pods.entries()) {
    const pod = model.pods[index]!;
    for (const range of sources) {
      for (const ip of rangeSamples(range)) yield [externalEndpoint(ip), pod, `${range}[External] => ${workload}`];
    }
    for (const range of destinations) {
      for (const ip of rangeSamples(range)) yield [pod, externalEndpoint(ip), `${workload} => ${range}[External]`];
    }
  }
}

describe('NetworkPolicy conformance with the netpol-analyzer corpus', () => {
  const names = caseNames();

  it('finds all the corpus cases', () => {
    expect(names).toHaveLength(17);
  });

  describe.each(names)('%s', (name) => {
    const corpusCase = loadCase(name);
    const model = modelOf(corpusCase);

    it('has valid policies, and every analyzer line names a workload or range of the case', () => {
      expect(model.issues).toEqual([]);
      const workloads = new Set(corpusCase.pods.map((pod) => pod.workload));
      const unknown = [...corpusCase.expected.keys()]
        .flatMap((key) => key.split(' => '))
        .filter((end) => !end.endsWith('[External]') && !workloads.has(end));
      expect(unknown).toEqual([]);
      expect(workloads.size).toBeGreaterThan(1);
    });

    it('agrees on every pod-to-pod pair', () => {
      const { checked, mismatches } = compare(model, corpusCase, podPairs(model, corpusCase));
      expect(mismatches).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    });

    it('agrees on every pod against both ends of every external range', () => {
      const { mismatches } = compare(model, corpusCase, externalPairs(model, corpusCase));
      expect(mismatches).toEqual([]);
    });

    it.each<ConnectionQuery>([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
      { port: 8080, protocol: 'TCP' },
      { port: 10053, protocol: 'UDP' },
      { port: 44134, protocol: 'TCP' },
      { port: 9090, protocol: 'SCTP' },
    ])('matrix, single verdicts and connection sets agree on $protocol $port', (query) => {
      const matrix = reachabilityMatrix(model, query);
      if (!matrix.ok) throw new Error(JSON.stringify(matrix.issues));
      const disagreements: string[] = [];
      model.pods.forEach((from, i) => {
        model.pods.forEach((to, j) => {
          const verdict = evaluateConnection(model, from, to, query);
          const connections = allowedConnections(model, from, to);
          if (!verdict.ok || !connections.ok) throw new Error('unexpected issues');
          const inSet = connections.value[query.protocol ?? 'TCP'].some(([low, high]) => low <= query.port && query.port <= high);
          if (matrix.value.allowed(i, j) !== verdict.value.allowed || inSet !== verdict.value.allowed) {
            disagreements.push(`${from.namespace}/${from.name} -> ${to.namespace}/${to.name}`);
          }
        });
      });
      expect(disagreements).toEqual([]);
    });
  });
});
