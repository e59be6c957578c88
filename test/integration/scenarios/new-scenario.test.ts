import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lintCatalogue } from '../../../tools/lint-scenarios/lint.js';
import { createScenario } from '../../../tools/new-scenario/create.js';
import { repoRoot } from '../../helpers/fixtures.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, requirePlane } from '../setup/plane.js';

describeWithPlane('a scenario made from the skeleton', () => {
  it('passes the catalogue lint (starts failing, its solution passes) with no code change', async () => {
    const root = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-skeleton-'));
    await cp(join(repoRoot, 'labs'), join(root, 'labs'), { recursive: true });
    await writeFile(join(root, 'labs/tracks.yaml'), 'formatVersion: 1\ntracks:\n  - { id: drafts, title: Drafts, scenarios: [] }\n');
    await createScenario({ id: 'skeleton-made', track: 'drafts', root });
    const client = await clientFor(requirePlane().kubeconfig);
    try {
      const report = await lintCatalogue(root, client, () => {});
      expect(report.scenarios.map((scenario) => `${scenario.id}: ${scenario.problems.join('; ') || 'ok'}`)).toEqual(['skeleton-made: ok']);
    } finally {
      client.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
