import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultCatalogueRoot } from '../../../src/catalogue/load.js';
import { findCachedBinaries } from '../../../tools/testplane/build.js';
import { lintCatalogue } from '../../../tools/lint-scenarios/lint.js';
import { down, up, type PlaneState } from '../../../tools/testplane/plane.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane } from '../setup/plane.js';

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
      const report = await lintCatalogue(defaultCatalogueRoot({}), client, () => {});
      expect(report.scenarios.map((scenario) => scenario.id)).toEqual(['privileged-pod', 'missing-networkpolicy', 'imds-escape', 'kubectl-proxy-vs-port-forward']);
      expect(Object.fromEntries(report.scenarios.map((scenario) => [scenario.id, scenario.problems]))).toEqual({
        'privileged-pod': [],
        'missing-networkpolicy': [],
        'imds-escape': [],
        'kubectl-proxy-vs-port-forward': [],
      });
      // Warnings do not fail the lint: the fix checks that still judge one named object without saying why.
      expect(Object.fromEntries(report.scenarios.map((scenario) => [scenario.id, scenario.warnings.map((warning) => warning.split(':')[0])]))).toEqual({
        'privileged-pod': ['checks (namespace-enforces-restricted)', 'checks (agent-read-only-root)'],
        'missing-networkpolicy': [],
        'imds-escape': [],
        'kubectl-proxy-vs-port-forward': ['checks (no-open-proxy)'],
      });
    } finally {
      client.close();
    }
  });
});
