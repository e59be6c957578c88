import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { terminalConfirm } from '../../src/commands/lab.js';
import { ExitCode } from '../../src/errors.js';
import { requireConfirmation } from '../../src/lab/confirm.js';
import type { CommandIO } from '../../src/commands/io.js';

function ioAnswering(answer: string | undefined, interactive: boolean): CommandIO & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    readStdin: async () => '',
    prompt: async (question) => {
      asked.push(question);
      return answer ?? '';
    },
    interactive,
    env: {},
    color: new Chalk({ level: 0 }),
  };
}

const confirm = (io: CommandIO, question: string, options: { yes?: boolean }) => requireConfirmation(terminalConfirm(io, options), question);

describe('confirmation on the terminal', () => {
  it('goes ahead without asking when --yes was given', async () => {
    const io = ioAnswering(undefined, true);
    await confirm(io, 'Delete it?', { yes: true });
    expect(io.asked).toEqual([]);
  });

  it('refuses without a terminal instead of waiting on stdin (a usage error)', async () => {
    const io = ioAnswering('y', false);
    await expect(confirm(io, 'Delete it?', {})).rejects.toMatchObject({ fix: 'rerun with --yes to confirm', exitCode: ExitCode.error });
    expect(io.asked).toEqual([]);
  });

  it('a no is a declined confirmation: exit code 2, nothing changed', async () => {
    const io = ioAnswering('n', true);
    await expect(confirm(io, 'Delete it?', {})).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('nothing was changed') });
  });

  it.each([
    ['y', true],
    ['YES', true],
    ['', false],
    ['n', false],
  ])('answer %j confirms: %s', async (answer, confirmed) => {
    const io = ioAnswering(answer, true);
    const outcome = confirm(io, 'Delete it?', {});
    if (confirmed) await expect(outcome).resolves.toBeUndefined();
    else await expect(outcome).rejects.toThrow('nothing was changed');
    expect(io.asked).toEqual(['Delete it? [y/N] ']);
  });
});
