import { describe, expect, it } from 'vitest';
import { judgeStep } from '../../src/lifecycle/replay.js';

const planted = new Map([['token', 'K8SLAB{0123456789abcdef01234567}']]);
const step = (overrides: Partial<Parameters<typeof judgeStep>[0]> = {}) => ({ run: 'true', needs: 'runtime' as const, expect: { exitCode: 0 }, ...overrides });

describe('judging a replayed attack step', () => {
  it('passes a step that exits as expected, prints what it should and holds this run\'s flag', () => {
    const ran = { exitCode: 0, timedOut: false, stdout: 'token: K8SLAB{0123456789abcdef01234567}\n' };
    expect(judgeStep(step({ revealsFlag: 'token', expect: { exitCode: 0, stdoutContains: 'token:' } }), ran, planted)).toEqual([]);
  });

  it('fails a step that printed another run\'s flag, or none', () => {
    const old = { exitCode: 0, timedOut: false, stdout: 'K8SLAB{ffffffffffffffffffffffff}' };
    expect(judgeStep(step({ revealsFlag: 'token' }), old, planted)).toEqual(["stdout lacks this run's flag token"]);
  });

  it('fails a flag step when no flag is planted: an unstarted scenario is never "revealed"', () => {
    expect(judgeStep(step({ revealsFlag: 'token' }), { exitCode: 0, timedOut: false, stdout: 'K8SLAB{0123456789abcdef01234567}' }, new Map())).toEqual([
      'flag token is not planted (start the scenario first)',
    ]);
  });

  it('reports the wrong exit code, missing output, and a timeout (not as an exit code)', () => {
    expect(judgeStep(step({ expect: { exitCode: 0, stdoutContains: 'created (server dry run)' } }), { exitCode: 1, timedOut: false, stdout: 'Error' }, planted)).toEqual([
      'exit code 1, expected 0',
      'stdout lacks "created (server dry run)"',
    ]);
    expect(judgeStep(step({ expect: { exitCode: 1 } }), { exitCode: 1, timedOut: false, stdout: '' }, planted)).toEqual([]);
    expect(judgeStep(step(), { exitCode: undefined, timedOut: true, stdout: '' }, planted)).toEqual(['timed out']);
  });
});
