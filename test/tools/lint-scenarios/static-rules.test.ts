import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { staticProblems } from '../../../tools/lint-scenarios/static-rules.js';
import { catalogueCopy, repoRoot } from '../../helpers/fixtures.js';


describe('the static catalogue rules (no cluster, no Go)', () => {
  it('hold for every scenario of the catalogue', async () => {
    expect(await staticProblems(repoRoot)).toEqual([]);
  });

  it('flag an image without a digest and a check ID the table lacks', async () => {
    const root = await catalogueCopy();
    const setup = join(root, 'scenarios/privileged-pod/setup/20-node-agent.yaml');
    await writeFile(setup, (await readFile(setup, 'utf8')).replace(/image: (\S+)@sha256:\S+/, 'image: $1'));
    const scenario = join(root, 'scenarios/kubectl-proxy-vs-port-forward/scenario.yaml');
    await writeFile(scenario, (await readFile(scenario, 'utf8')).replace(/checkIds: \[/, 'checkIds: [noSuchCheck, '));
    const problems = await staticProblems(root);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^scenarios\/privileged-pod: setup: .* is not pinned by digest/), expect.stringContaining('"noSuchCheck" is not a key')]));
  });
});

describe('npm run lint:scenarios on a broken catalogue', () => {
  it('prints one clean line per problem, no stack and no follow-on error, and starts no control plane', async () => {
    const root = await catalogueCopy();
    const scenario = join(root, 'scenarios/imds-escape/scenario.yaml');
    await writeFile(scenario, (await readFile(scenario, 'utf8')).replace('difficulty: ', 'difficulty: impossible-'));
    const started = Date.now();
    const result = await execa('npx', ['tsx', join(repoRoot, 'tools/lint-scenarios/cli.ts'), '--catalogue', root], { reject: false, env: { PATH: process.env.PATH, HOME: root } });
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^scenarios\/imds-escape\/scenario\.yaml:\d+: difficulty: /);
    expect(lines.at(-1)).toBe('1 problem; fix the files named above, then run npm run lint:scenarios again');
    expect(result.stderr).not.toMatch(/\n\s+at |no scenario "imds-escape"|testplane/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
