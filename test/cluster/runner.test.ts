import { describe, expect, it } from 'vitest';
import { CommandInterruptedError, CommandNotFoundError, execaRunner } from '../../src/cluster/runner.js';

describe('execaRunner', () => {
  it('returns a non-zero exit as a result, with both streams', async () => {
    expect(await execaRunner('sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out', stderr: 'err' });
  });

  it('passes exactly the given environment, nothing inherited', async () => {
    const { stdout } = await execaRunner('/bin/sh', ['-c', 'echo "${HOME:-unset} $ONLY"'], { env: { ONLY: 'this', PATH: '/usr/bin:/bin' } });
    expect(stdout).toBe('unset this');
  });

  it('reports a program that is not installed', async () => {
    await expect(execaRunner('k8s-sec-lab-no-such-program', [], { env: { PATH: '/nonexistent' } })).rejects.toBeInstanceOf(CommandNotFoundError);
  });

  it('treats a child killed by Ctrl-C (SIGINT) as interrupted, keeping its output', async () => {
    const error = await execaRunner('sh', ['-c', 'echo started; kill -INT $$; sleep 5']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandInterruptedError);
    expect((error as CommandInterruptedError).output).toBe('started');
  });

  it('stops a program that runs past its time limit, saying how long it had', async () => {
    await expect(execaRunner('sleep', ['5'], { timeoutMs: 200 })).rejects.toThrow('sleep 5 did not finish within 0.2s');
  });
});
