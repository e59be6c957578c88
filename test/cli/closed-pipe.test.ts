import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureCatalogue } from '../helpers/fixtures.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(repo, 'node_modules', '.bin', 'tsx');

/**
 * Runs the real CLI with its stdout piped into `head -c 0`, which exits at
 * once without reading: every write finds the reader gone (EPIPE). Returns
 * what the CLI wrote on stderr, then its exit status.
 */
async function intoClosedPipe(args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: await mkdtemp(join(tmpdir(), 'pipe-home-')), K8S_SEC_LAB_CATALOGUE: fixtureCatalogue };
  const result = spawnSync('sh', ['-c', '{ "$@"; echo "exit=$?" >&2; } | head -c 0', 'sh', tsx, join(repo, 'src', 'cli.ts'), ...args], {
    env: { ...env, K8S_SEC_LAB_HOME: join(env.HOME, 'lab') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return result.stderr;
}

describe('a reader that goes away (k8s-sec-lab ... | head)', () => {
  it.each([
    [['show', 'fixable']],
    [['show', 'fixable', '--debrief']],
    [['audit', '-f', fileURLToPath(new URL('../fixtures/audit/workloads', import.meta.url))]],
    [['audit', '-f', fileURLToPath(new URL('../fixtures/audit/insecure-deployment.yaml', import.meta.url)), '--json']],
  ])('ends %j quietly, with the status git gets from SIGPIPE (141) and no stack', { timeout: 40_000 }, async (args) => {
    expect(await intoClosedPipe(args)).toBe('exit=141\n');
  });
});
