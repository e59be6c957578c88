import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordCheck, recordHint, recordSolution, recordStart, progressState } from '../../src/progress/record.js';
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
