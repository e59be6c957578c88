import { buildNetworkModel, reachabilityMatrix } from '../src/engines/network-policy/index.js';
import { syntheticCluster, type ClusterShape } from '../test/engines/network-policy/helpers/synthetic-cluster.js';
import { medianMs, type BenchRow, type BenchSuite } from './harness.js';

// `reach --matrix` in-process: compile the model and fill the pod-to-pod matrix
// for one port. The baseline is the n² floor any matrix pays: a nested loop
// over the same pod pairs doing one trivial comparison each.

const shapes: (ClusterShape & { goalMs?: number })[] = [
  { pods: 500, namespaces: 50, policies: 125 },
  { pods: 2000, namespaces: 50, policies: 500, goalMs: 2000 },
  { pods: 8000, namespaces: 50, policies: 2000 },
];

export const bench: BenchSuite = async () => {
  const rows: BenchRow[] = [];
  for (const shape of shapes) {
    const cluster = syntheticCluster(shape);
    const runs = shape.pods > 4000 ? 3 : 5;
    const ms = await medianMs(() => {
      const matrix = reachabilityMatrix(buildNetworkModel(cluster), { port: 8080, protocol: 'TCP' });
      if (!matrix.ok) throw new Error(`synthetic cluster has issues: ${JSON.stringify(matrix.issues)}`);
    }, { runs });
    const namespaceOf = cluster.pods.map((pod) => pod.metadata?.namespace);
    const baselineMs = await medianMs(() => pairFloor(namespaceOf), { runs });
    rows.push({
      name: `reach --matrix: ${shape.pods} pods, ${shape.namespaces} ns, ${shape.policies} policies`,
      ms,
      baselineName: `${shape.pods}² pair loop`,
      baselineMs,
      ...(shape.goalMs === undefined ? {} : { goalMs: shape.goalMs }),
    });
  }
  return rows;
};

function pairFloor(namespaceOf: readonly (string | undefined)[]): number {
  let sameNamespace = 0;
  for (let from = 0; from < namespaceOf.length; from++) {
    for (let to = 0; to < namespaceOf.length; to++) if (namespaceOf[from] === namespaceOf[to]) sameNamespace++;
  }
  return sameNamespace;
}
