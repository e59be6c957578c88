import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultCatalogueRoot } from '../../../src/catalogue/load.js';
import { findCachedBinaries } from '../../../tools/testplane/build.js';
import { lintCatalogue } from '../../../tools/lint-scenarios/lint.js';
import { down, up, type PlaneState } from '../../../tools/testplane/plane.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, planeCommandEnv } from '../setup/plane.js';

// `npm run lint:scenarios` as part of `npm test`, on a plane of its own: it starts and
// solves every scenario, which would collide with the per-scenario files on the shared one.
describeWithPlane('the scenario catalogue', () => {
  let plane: PlaneState;
  let dir: string;

  beforeAll(async () => {
    const binaries = await findCachedBinaries();
    if (!binaries) throw new Error('cached binaries expected while a plane runs');
    dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-lint-'));
    plane = await up(dir, binaries, () => {});
  });

  afterAll(async () => {
    await down(dir, () => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the lint: every scenario starts vulnerable and its solution passes', { timeout: 300_000 }, async () => {
    const client = await clientFor(plane.kubeconfig);
    try {
      const root = defaultCatalogueRoot({});
      // The replayed attack runs this plane's kubectl (the admin's kubeconfig is the lint client's).
      const report = await lintCatalogue(root, client, () => {}, { replayEnv: await planeCommandEnv() });
      // Every scenario folder there is, found on disk rather than listed here.
      const folders = (await readdir(join(root, 'scenarios'), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
      expect(report.scenarios.map((scenario) => scenario.id).sort()).toEqual(folders.sort());
      expect(report.scenarios.filter((scenario) => scenario.problems.length > 0)).toEqual([]);
      // The attack's api steps ran and did what the briefing says (a failing one is a problem above).
      expect(Object.fromEntries(report.scenarios.map((scenario) => [scenario.id, scenario.replayedSteps]))).toEqual({
        'admission-policy': 1,
        'anonymous-api-access': 2,
        'imds-escape': 0,
        'kubectl-proxy-vs-port-forward': 1,
        'missing-networkpolicy': 0,
        'privileged-pod': 3,
        'rbac-overreach': 1,
        'registry-credentials': 1,
        'resource-quota': 1,
        'sa-token-theft': 0,
      });
    } finally {
      client.close();
    }
  });
});
