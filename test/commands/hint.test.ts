import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureCatalogue } from '../helpers/fixtures.js';
import { runCliForTest } from '../helpers/run-cli.js';

/** A kubeconfig whose API server does not answer (a closed loopback port). */
async function unreachableCluster(home: string): Promise<string> {
  const file = join(home, 'kubeconfig');
  await writeFile(
    file,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\n' +
      'users: [{name: u, user: {token: t}}]\ncontexts: [{name: gone, context: {cluster: c, user: u}}]\ncurrent-context: gone\n',
  );
  return file;
}

describe('k8s-sec-lab hint when the cluster cannot be graded', () => {
  it('exits 2 with the line check prints, and spends and records no rung', async () => {
    const home = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-hint-'));
    const env = { K8S_SEC_LAB_HOME: home, K8S_SEC_LAB_CATALOGUE: fixtureCatalogue, KUBECONFIG: await unreachableCluster(home) };
    const check = await runCliForTest(['check', 'fixable'], { env });
    const hint = await runCliForTest(['hint', 'fixable'], { env });
    expect(check.exitCode).toBe(2);
    expect(hint.exitCode).toBe(2);
    const errorLine = check.stdout.trim();
    expect(errorLine).toMatch(/^fixable: ERROR: cannot reach the API server at https:\/\/127\.0\.0\.1:9/);
    expect(hint.stderr).toContain(`error: ${errorLine}`);
    expect(hint.stderr).toContain('no hint was spent');
    const progress = JSON.parse(await readFile(join(home, 'progress.json'), 'utf8')) as { scenarios: Record<string, { hintsRevealed: Record<string, number>; attempts: number }> };
    expect(progress.scenarios.fixable?.hintsRevealed).toEqual({});
    // The check was an attempt; the failed hint was not.
    expect(progress.scenarios.fixable?.attempts).toBe(1);
  });
});
