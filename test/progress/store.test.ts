import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { recordCheck, recordHint, recordSolution, recordStart, progressState } from '../../src/progress/record.js';
import { withFileLock } from '../../src/progress/lock.js';
import { ProgressStore, progressPath } from '../../src/progress/store.js';

async function newStore() {
  const dir = await mkdtemp(join(tmpdir(), 'progress-'));
  const warnings: string[] = [];
  return { dir, warnings, store: new ProgressStore(join(dir, 'progress.json'), (message) => warnings.push(message)) };
}


describe('ProgressStore', () => {
  it('lives under K8S_SEC_LAB_HOME when it is set', () => {
    expect(progressPath({ K8S_SEC_LAB_HOME: '/tmp/lab' })).toBe('/tmp/lab/progress.json');
  });

  it('starts empty and writes a versioned file atomically (no temp file left behind)', async () => {
    const { dir, store } = await newStore();
    await recordStart(store, 'demo');
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toMatchObject({ version: 1, scenarios: { demo: { attempts: 0 } } });
    expect(await readdir(dir)).toEqual(['progress.json']);
  });

  it('moves a corrupt file aside with a warning and carries on', async () => {
    const { store, warnings } = await newStore();
    await writeFile(store.path, '{ not json');
    await recordStart(store, 'demo');
    expect(await readFile(`${store.path}.bak`, 'utf8')).toBe('{ not json');
    expect(warnings[0]).toContain('moved it to');
    expect((await store.load()).scenarios.demo?.startedAt).toBeDefined();
  });

  it('refuses to overwrite a file from a newer lab', async () => {
    const { store } = await newStore();
    await writeFile(store.path, JSON.stringify({ version: 2, scenarios: {} }));
    await expect(store.load()).rejects.toThrow(/newer k8s-sec-lab/);
  });
});

describe('progress records', () => {
  it('counts a pass as completed only when the current attempt was not solved by the solution', async () => {
    const { store } = await newStore();
    await recordStart(store, 'demo');
    await recordSolution(store, 'demo');
    let demo = await recordCheck(store, 'demo', 'pass');
    expect(demo.completedAt).toBeUndefined();
    expect(progressState(demo)).toBe('solved');

    await new Promise((resolve) => setTimeout(resolve, 5));
    await recordStart(store, 'demo');
    await recordCheck(store, 'demo', 'fail');
    demo = await recordCheck(store, 'demo', 'pass');
    expect(demo.completedAt).toBeDefined();
    expect(demo.attempts).toBe(3);
    expect(progressState(demo)).toBe('done');
  });

  it('reveals hint rungs one by one up to three', async () => {
    const { store } = await newStore();
    const rungs = [];
    for (let i = 0; i < 4; i++) rungs.push(await recordHint(store, 'demo', 'check-a'));
    expect(rungs).toEqual([1, 2, 3, 3]);
  });
});

describe('the progress format check', () => {
  it.each([
    ['an unknown result status', { attempts: 1, hintsRevealed: {}, lastResult: { at: 'x', status: 'maybe' } }],
    ['a fourth hint rung', { attempts: 1, hintsRevealed: { a: 4 } }],
    ['negative attempts', { attempts: -1, hintsRevealed: {} }],
    ['a numeric timestamp', { attempts: 1, hintsRevealed: {}, startedAt: 5 }],
  ])('sets aside a file with %s', async (_what, scenario) => {
    const { store, warnings } = await newStore();
    await writeFile(store.path, JSON.stringify({ version: 1, scenarios: { demo: scenario } }));
    expect((await store.load()).scenarios).toEqual({});
    expect(warnings[0]).toContain('does not match the progress format');
  });
});

describe('two processes updating the progress file at once', () => {
  const script = fileURLToPath(new URL('./helpers/concurrent-updates.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

  function updater(path: string, name: string, count: number) {
    const child = spawn(tsx, [script, path, name, String(count)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const ready = new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('ready') && resolve()));
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
    return { ready, exited, go: () => child.stdin.end('go\n') };
  }

  it('lose no update: every check of both is counted, and each one\'s own scenario is kept', { timeout: 60_000 }, async () => {
    const { store } = await newStore();
    const count = 150;
    const processes = [updater(store.path, 'tui', count), updater(store.path, 'cli', count)];
    await Promise.all(processes.map((each) => each.ready));
    for (const each of processes) each.go();
    const results = await Promise.all(processes.map((each) => each.exited));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, '']]);
    const progress = await store.load();
    expect(progress.scenarios.shared?.attempts).toBe(2 * count);
    expect(progress.scenarios['own-tui']?.hintsRevealed).toEqual({ 'a-check': 1 });
    expect(progress.scenarios['own-cli']?.hintsRevealed).toEqual({ 'a-check': 1 });
    expect(await readdir(dirname(store.path))).toEqual(['progress.json']);
  });
});

describe('the progress lock', () => {
  it('breaks a lock left by a process that died, and gives up on a live one with its pid and the fix', async () => {
    const { store } = await newStore();
    await writeFile(`${store.path}.lock`, `999999999 ${hostname()} left-by-a-crash\n`);
    await recordStart(store, 'demo');
    expect((await store.load()).scenarios.demo?.startedAt).toBeDefined();

    await writeFile(`${store.path}.lock`, `${process.pid} ${hostname()} held\n`);
    await expect(withFileLock(`${store.path}.lock`, async () => 'never', { waitMs: 200 })).rejects.toMatchObject({
      message: `${store.path}.lock is held by process ${process.pid} and was not released within 0.2s`,
      fix: `if no other k8s-sec-lab is running, delete ${store.path}.lock`,
    });
  });
});
