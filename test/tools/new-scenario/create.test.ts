import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCatalogue } from '../../../src/catalogue/validate.js';
import { createScenario } from '../../../tools/new-scenario/create.js';
import { catalogueCopy } from '../../helpers/fixtures.js';


describe('npm run new:scenario', () => {
  it('makes a scenario that the catalogue accepts as it is, in its track, with its test', async () => {
    const root = await catalogueCopy();
    const written = await createScenario({ id: 'token-theft', track: 'cluster-access', title: 'Stolen tokens', root });
    expect(written).toEqual(
      expect.arrayContaining(['scenarios/token-theft/scenario.yaml', 'scenarios/token-theft/briefing.md', 'scenarios/token-theft/setup/10-web.yaml', 'test/integration/scenarios/token-theft.test.ts', 'labs/tracks.yaml']),
    );
    const catalogue = await validateCatalogue(root);
    const track = catalogue.tracks.find((candidate) => candidate.id === 'cluster-access');
    expect(track?.scenarios.map((scenario) => scenario.id).at(-1)).toBe('token-theft');
    const scenario = catalogue.scenarios.find((candidate) => candidate.id === 'token-theft');
    expect(scenario).toMatchObject({ title: 'Stolen tokens', namespaces: ['token-theft'] });
    const test = await readFile(join(root, 'test/integration/scenarios/token-theft.test.ts'), 'utf8');
    expect(test).toContain("useScenario('token-theft')");
    expect(test).not.toMatch(/__[A-Z]+__/);
    // The curriculum file keeps its comments.
    expect(await readFile(join(root, 'labs/tracks.yaml'), 'utf8')).toContain('# The curriculum');
  });

  it('refuses an id that exists, a track that does not, and an id that is not a DNS label', async () => {
    const root = await catalogueCopy();
    await expect(createScenario({ id: 'privileged-pod', track: 'cluster-access', root })).rejects.toThrow('scenarios/privileged-pod already exists');
    await expect(createScenario({ id: 'fresh', track: 'no-such-track', root })).rejects.toMatchObject({ fix: expect.stringContaining('workload-hardening') });
    await expect(createScenario({ id: 'Bad_Id', track: 'cluster-access', root })).rejects.toThrow('not a lowercase DNS label');
  });
});
