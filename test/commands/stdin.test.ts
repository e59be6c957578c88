import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAllOf } from '../../src/commands/io.js';

const waiting = 'reading manifests from stdin: paste them, then press Ctrl-D (or pass -f <file>)\n';

describe('reading manifests from stdin (-f -)', () => {
  it('on a terminal, says first that it waits and how to finish, on stderr', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new PassThrough();
    const read = readAllOf(stdin, stderr);
    expect(stderr.read()?.toString()).toBe(waiting);
    stdin.end('kind: Pod\n');
    expect(await read).toBe('kind: Pod\n');
  });

  it('from a pipe, reads silently', async () => {
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    stdin.end('kind: Pod\n');
    expect(await readAllOf(stdin, stderr)).toBe('kind: Pod\n');
    expect(stderr.read()).toBeNull();
  });
});

// util-linux `script` runs the CLI on a pseudo-terminal and relays this test's writes to it.
const scriptAvailable = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;
if (!scriptAvailable && process.env.CI === 'true') throw new Error("util-linux `script` is required for the terminal test under CI=true");
if (!scriptAvailable) process.stderr.write('\n!!! SKIPPING the audit -f - terminal test: util-linux `script` is not installed !!!\n\n');

describe.runIf(scriptAvailable)('k8s-sec-lab audit -f - on a terminal', () => {
  it('says that it waits for manifests, then audits what was typed up to Ctrl-D', { timeout: 30_000 }, async () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const home = await mkdtemp(join(tmpdir(), 'stdin-home-'));
    const command = `${join(repo, 'node_modules', '.bin', 'tsx')} ${join(repo, 'src', 'cli.ts')} audit -f - --level baseline --no-color`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, K8S_SEC_LAB_HOME: join(home, 'lab'), TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!screen.includes('reading manifests from stdin') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen).toContain(waiting.trim());

    child.stdin.write('apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec: { containers: [{ name: app, image: nginx }] }\n');
    child.stdin.write('\x04');
    const code = await exited;
    expect(screen).toMatch(/PASS Pod web +meets baseline/);
    expect(code).toBe(0);
  });
});
