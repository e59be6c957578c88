import { describe, expect, it } from 'vitest';
import { judgeProbe } from '../../../src/grading/kinds/runtime-probe.js';

const pod = 'Pod ci/runner-1 (container runner)';
const blockedProbe = { command: ['sh', '-c', 'probe'], expect: { exitCode: 'nonzero' as const, stdoutContains: 'BLOCKED', inconclusiveExitCode: 2 } };

describe('judgeProbe', () => {
  it('passes a blocked attack and fails one that got through, naming what it saw', () => {
    expect(judgeProbe(blockedProbe, { exitCode: 1, stdout: 'BLOCKED: no answer\n' }, pod)).toMatchObject({ status: 'pass', message: 'sh -c probe in Pod ci/runner-1 (container runner): exit 1, output: BLOCKED: no answer' });
    const reached = judgeProbe(blockedProbe, { exitCode: 0, stdout: 'REACHED' }, pod);
    expect(reached.status).toBe('fail');
    expect(reached.message).toContain('expected a non-zero exit code (the attack should fail); expected output containing "BLOCKED"');
  });

  it('is an error, never "the attack failed", when the command could not run', () => {
    for (const [exitCode, why] of [[126, 'not executable'], [127, 'command not found']] as const) {
      const verdict = judgeProbe({ command: ['redis-cli', 'PING'], expect: { exitCode: 'nonzero' } }, { exitCode, stdout: '' }, pod);
      expect(verdict).toMatchObject({ status: 'error', message: `redis-cli PING in ${pod} could not run (${why}): exit ${exitCode}` });
    }
  });

  it('is an error when the command says it could not tell (its inconclusive exit code)', () => {
    const verdict = judgeProbe(blockedProbe, { exitCode: 2, stdout: 'cannot resolve db.shop.svc.cluster.local' }, pod);
    expect(verdict).toMatchObject({ status: 'error', message: `sh -c probe in ${pod} could not tell: exit 2, output: cannot resolve db.shop.svc.cluster.local` });
    // Without the field, exit 2 is an ordinary non-zero exit.
    expect(judgeProbe({ command: ['probe'], expect: { exitCode: 'nonzero' } }, { exitCode: 2, stdout: '' }, pod).status).toBe('pass');
  });
});
