import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { buildNetworkModel, judgeAllowlist, podEndpoint, reachabilityMatrix } from '../src/engines/network-policy/index.js';
import { syntheticCluster, type ClusterShape } from '../test/engines/network-policy/helpers/synthetic-cluster.js';
import { medianMs, type BenchRow, type BenchSuite } from './harness.js';

// `reach --matrix` in-process: compile the model and fill the pod-to-pod matrix
// for one port. The baseline is the n² floor any matrix pays: a nested loop
// over the same pod pairs doing one trivial comparison each. The allowlist row
// judges every protocol and port of every pair (network-allowlist checks) and
// is compared with the one-port matrix of the same cluster.
// End to end (the built CLI reading YAML and printing the matrix into a file)
// at the largest size, against the in-process engine of the same run: the
// goal from issue 10 is the whole command within 5 s. Build first (npm run build).

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const endToEnd: ClusterShape & { goalMs: number } = { pods: 8000, namespaces: 50, policies: 2000, goalMs: 5000 };

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
    if (shape.pods === endToEnd.pods && shape.policies === endToEnd.policies) rows.push(...(await commandRows(cluster, ms)));
  }
  rows.push(await allowlistRow({ pods: 2000, namespaces: 50, policies: 500 }));
  return rows;
};

/** `reach --matrix` and `--matrix --json` as a user runs them, output into a file; baseline: the engine alone. */
async function commandRows(cluster: ReturnType<typeof syntheticCluster>, engineMs: number): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-reach-'));
  try {
    const manifests = join(dir, 'cluster.yaml');
    await writeFile(manifests, [...cluster.namespaces, ...cluster.pods, ...cluster.policies].map((object) => stringify(object)).join('---\n'));
    const rows: BenchRow[] = [];
    for (const json of [false, true]) {
      const args = [cli, 'reach', '-f', manifests, '--matrix', '--port', '8080', ...(json ? ['--json'] : []), '--no-color'];
      const ms = await medianMs(() => run('sh', ['-c', '"$0" "$@" > "$OUT"', process.execPath, ...args], { env: { ...process.env, OUT: join(dir, 'out') } }), { runs: 3, warmup: 0 });
      rows.push({
        name: `k8s-sec-lab reach --matrix${json ? ' --json' : ''}: ${endToEnd.pods} pods, ${endToEnd.policies} policies (YAML in, file out)`,
        ms,
        baselineName: 'the engine in process',
        baselineMs: engineMs,
        goalMs: endToEnd.goalMs,
      });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function allowlistRow(shape: ClusterShape): Promise<BenchRow> {
  const cluster = syntheticCluster(shape);
  const endpoints = cluster.pods.map((pod) => ({ endpoint: podEndpoint(pod), judged: { ingress: true, egress: true }, known: true }));
  const ms = await medianMs(() => {
    const verdict = judgeAllowlist(buildNetworkModel(cluster), { endpoints, allowed: [], required: [] }, { maxFlows: 1 });
    if (!verdict.ok) throw new Error(`synthetic cluster has issues: ${JSON.stringify(verdict.issues)}`);
  }, { runs: 3 });
  const baselineMs = await medianMs(() => reachabilityMatrix(buildNetworkModel(cluster), { port: 8080, protocol: 'TCP' }), { runs: 3 });
  return { name: `allowlist, every port: ${shape.pods} pods, ${shape.namespaces} ns, ${shape.policies} policies`, ms, baselineName: 'one-port matrix', baselineMs };
}

function pairFloor(namespaceOf: readonly (string | undefined)[]): number {
  let sameNamespace = 0;
  for (let from = 0; from < namespaceOf.length; from++) {
    for (let to = 0; to < namespaceOf.length; to++) if (namespaceOf[from] === namespaceOf[to]) sameNamespace++;
  }
  return sameNamespace;
}
