import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plantFlags } from '../../src/lifecycle/flags.js';
import { flagRecord, matchesFlag } from '../../src/progress/flags.js';
import { recordStart, recordSubmission } from '../../src/progress/record.js';
import { ProgressStore } from '../../src/progress/store.js';

const value = 'K8SLAB{0123456789abcdef01234567}';

describe('attack flags in progress', () => {
  it('keeps a salted hash that matches the value (pasted with whitespace too) and nothing else', () => {
    const record = flagRecord(value);
    expect(matchesFlag(record, value)).toBe(true);
    expect(matchesFlag(record, `  ${value}\n`)).toBe(true);
    expect(matchesFlag(record, 'K8SLAB{0123456789abcdef01234568}')).toBe(false);
    // Salted: the same value hashes differently in two records.
    expect(flagRecord(value).hash).not.toBe(record.hash);
  });

  it('never writes the value to the progress file; a right flag is captured, a wrong one counted', async () => {
    const store = new ProgressStore(join(await mkdtemp(join(tmpdir(), 'flags-')), 'progress.json'), () => {});
    await recordStart(store, 'demo', new Map([['vault', value]]));
    expect(await readFile(store.path, 'utf8')).not.toContain(value.slice(7, -1));
    expect(await recordSubmission(store, 'demo', 'K8SLAB{nope}')).toBeUndefined();
    expect(await recordSubmission(store, 'demo', value)).toBe('vault');
    const demo = (await store.load()).scenarios.demo;
    expect(demo?.wrongFlags).toBe(1);
    expect(demo?.flags?.vault?.capturedAt).toBeDefined();
  });

  it('a start that keeps the value keeps the capture; new values (reset) forget it', async () => {
    const store = new ProgressStore(join(await mkdtemp(join(tmpdir(), 'flags-')), 'progress.json'), () => {});
    await recordStart(store, 'demo', new Map([['vault', value]]));
    await recordSubmission(store, 'demo', value);
    await recordStart(store, 'demo', new Map([['vault', value]]));
    expect((await store.load()).scenarios.demo?.flags?.vault?.capturedAt).toBeDefined();
    await recordStart(store, 'demo', new Map([['vault', 'K8SLAB{fresh}']]));
    expect((await store.load()).scenarios.demo?.flags?.vault?.capturedAt).toBeUndefined();
    expect(await recordSubmission(store, 'demo', value)).toBeUndefined();
  });
});

describe('planting', () => {
  it('replaces every placeholder in every string of a manifest, and refuses an undeclared flag', () => {
    const manifest = { data: { 'seed.redis': 'HSET card:1 note "${K8SLAB_FLAG:vault}"' }, list: ['${K8SLAB_FLAG:vault}', 3] };
    expect(plantFlags(manifest, new Map([['vault', value]]))).toEqual({ data: { 'seed.redis': `HSET card:1 note "${value}"` }, list: [value, 3] });
    expect(() => plantFlags(manifest, new Map())).toThrow('${K8SLAB_FLAG:vault} names no flag of this scenario');
  });
});
