import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCatalogueRoot, findScenario, loadCatalogue } from '../src/catalogue/load.js';
import { markCluster } from '../src/cluster/guard.js';
import { gradeScenario } from '../src/grading/grade.js';
import { loadKubeAccess } from '../src/kube/config.js';
import { KubeClient } from '../src/kube/client.js';
import { labClientIdentity } from '../src/names.js';
import { startScenario } from '../src/lifecycle/scenario.js';
import { fixtureCatalogue } from '../test/helpers/fixtures.js';
import { freshLabEnv } from '../test/helpers/lab-home.js';
import { findCachedBinaries } from '../tools/testplane/build.js';
import { down, up } from '../tools/testplane/plane.js';
import { medianMs, type BenchRow, type BenchSuite } from './harness.js';
import { noImageMap } from '../src/manifests/image-map.js';

/** The mission scenarios, graded as they start (vulnerable): every check runs to its verdict. */
const missionScenarios = ['privileged-pod', 'missing-networkpolicy', 'imds-escape', 'kubectl-proxy-vs-port-forward'];

/**
 * Grading the fixture scenario `fixable` (seven checks of every cluster-facing
 * kind) and each mission scenario on the test control plane, warm, against one
 * API round trip (GET /version) in the same run. Goal: a check run within
 * 300 ms. Needs the plane binaries (npm run testplane:build); skipped without them.
 */
export const bench: BenchSuite = async (): Promise<BenchRow[]> => {
  const binaries = await findCachedBinaries();
  if (!binaries) {
    process.stderr.write('check bench skipped: no test plane binaries (npm run testplane:build)\n');
    return [];
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-plane-'));
  const plane = await up(dir, binaries, () => {});
  const client = new KubeClient(await loadKubeAccess({ kubeconfig: plane.kubeconfig }), labClientIdentity);
  try {
    await markCluster(client, 'adopt');
    const fixtures = await loadCatalogue(fixtureCatalogue, freshLabEnv());
    const catalogue = await loadCatalogue(defaultCatalogueRoot({}), freshLabEnv());
    const scenarios = [findScenario(fixtures, 'fixable'), ...missionScenarios.map((id) => findScenario(catalogue, id))];
    const options = { runs: 15, warmup: 3 };
    const rows: BenchRow[] = [];
    for (const scenario of scenarios) {
      await startScenario(scenario, client, () => {}, noImageMap);
      const roundTrip = await medianMs(() => client.serverVersion(), options);
      const before = client.requestCount;
      const grade = await medianMs(() => gradeScenario(scenario, client), options);
      const requests = (client.requestCount - before) / (options.runs + options.warmup);
      rows.push({ name: `check ${scenario.id} (${scenario.checks.length} checks, ${requests} requests)`, ms: grade, baselineName: 'GET /version', baselineMs: roundTrip, goalMs: 300 });
    }
    return rows;
  } finally {
    client.close();
    await down(dir, () => {});
    await rm(dir, { recursive: true, force: true });
  }
};
