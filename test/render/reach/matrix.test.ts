import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { buildNetworkModel, endpointName, reachabilityMatrix, type ReachabilityMatrix } from '../../../src/engines/network-policy/index.js';
import { matrixJson, matrixText } from '../../../src/render/reach/matrix.js';
import { syntheticCluster } from '../../engines/network-policy/helpers/synthetic-cluster.js';

function matrixOf(pods: number): ReachabilityMatrix {
  const result = reachabilityMatrix(buildNetworkModel(syntheticCluster({ pods, namespaces: 10, policies: pods / 4 })), { port: 8080, protocol: 'TCP' });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

const text = (pieces: Iterable<string | Buffer>) => [...pieces].map((piece) => piece.toString()).join('');

describe('the reach matrix, printed in pieces', () => {
  const matrix = matrixOf(400);
  const names = matrix.pods.map(endpointName);

  it('as JSON: the same document as one JSON.stringify, in pieces no larger than a row', () => {
    const pieces = [...matrixJson(matrix, names)];
    expect(JSON.parse(text(pieces))).toEqual({ port: 8080, protocol: 'TCP', pods: names, allowed: matrix.rows() });
    // 8,000 pods make 64 million cells: one string of them all is longer than V8 allows.
    const rowBytes = names.length * ' true,'.length + 16;
    expect(Math.max(...pieces.slice(1).map((piece) => piece.length))).toBeLessThanOrEqual(rowBytes);
    expect(pieces.length).toBeGreaterThan(names.length);
  });

  it('as text: one row a piece, each cell at its column, the count of allowed pairs in the legend', () => {
    const plain = new Chalk({ level: 0 });
    const lines = text(matrixText(matrix, plain)).split('\n');
    const rows = matrix.rows();
    const allowed = rows.flat().filter(Boolean).length;
    expect(lines).toContain(`✓ allowed  ✗ denied  — ${allowed} of ${names.length ** 2} pairs allowed`);
    for (const from of [0, 17, names.length - 1]) {
      const line = lines.find((each) => each.startsWith(`${String(from + 1).padStart(3)}  `))!;
      const cells = line.slice(line.length - names.length * 4).match(/.{4}/g)!;
      expect(cells).toEqual(rows[from]!.map((cell) => `   ${cell ? '✓' : '✗'}`));
    }
  });

  it('paints allowed and denied cells in colour on a terminal', () => {
    const small = matrixOf(8);
    const colored = text(matrixText(small, new Chalk({ level: 1 })));
    const row = small.rows()[0]!;
    expect(colored.match(/\u001b\[32m✓\u001b\[39m/g)?.length ?? 0).toBeGreaterThanOrEqual(row.filter(Boolean).length);
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(text(matrixText(small, new Chalk({ level: 0 }))));
  });
});
