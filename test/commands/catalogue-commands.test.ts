import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureCatalogue, repoRoot } from '../helpers/fixtures.js';
import { runCliForTest } from '../helpers/run-cli.js';

const envWith = async () => ({ K8S_SEC_LAB_CATALOGUE: fixtureCatalogue, K8S_SEC_LAB_HOME: await mkdtemp(join(tmpdir(), 'home-')) });

describe('list, show and status (no cluster needed)', () => {
  it('lists scenarios in curriculum order as JSON', async () => {
    const result = await runCliForTest(['list', '--json'], { env: await envWith() });
    const list = JSON.parse(result.stdout) as { tracks: { scenarios: string[] }[]; scenarios: { id: string; progress: string }[] };
    expect(list.tracks[0]?.scenarios).toEqual(['fixable', 'always-pass', 'wrong-refusal', 'missing-namespace']);
    expect(list.scenarios.every((scenario) => scenario.progress === 'new')).toBe(true);
  });

  it('shows a scenario with its briefing and objectives', async () => {
    const result = await runCliForTest(['show', 'fixable'], { env: await envWith() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('The web app runs privileged. Fix it.');
    expect(result.stdout).toContain('Make the web pods meet restricted');
  });

  it.each([
    ['privileged-pod', '/var/lib/k8s-sec-lab/flags/privileged-pod/node-flag'],
    ['imds-escape', 'the end of the Token in the node role\'s credentials'],
  ])('shows where the attack of %s leads: its flag', async (id, where) => {
    const result = await runCliForTest(['show', id], { env: { ...(await envWith()), K8S_SEC_LAB_CATALOGUE: repoRoot } });
    expect(result.exitCode, result.stderr).toBe(0);
    const flags = result.stdout.slice(result.stdout.indexOf('Attack flags'));
    expect(flags).toContain(where);
    expect(flags).toContain(`k8s-sec-lab submit ${id}`);
  });

  it('refuses an unknown scenario with one line and the known ids', async () => {
    const result = await runCliForTest(['show', 'nope'], { env: await envWith() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: no scenario "nope"');
    expect(result.stderr).toContain('choose one of: fixable, always-pass');
  });

  it('reports progress per scenario', async () => {
    const result = await runCliForTest(['status', '--json'], { env: await envWith() });
    const status = JSON.parse(result.stdout) as { scenarios: { id: string; state: string }[] };
    expect(status.scenarios.map((row) => row.state)).toEqual(['new', 'new', 'new', 'new']);
  });
});
