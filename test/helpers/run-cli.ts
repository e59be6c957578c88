import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import type { CommandIO } from '../../src/commands/io.js';
import { runCli } from '../../src/program.js';
import { freshLabEnv } from './lab-home.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with captured streams, no color and no TTY unless
 * asked; prompts read `answers`. Its environment is a fresh lab's plus
 * `env`, never the developer's own.
 */
export async function runCliForTest(
  argv: readonly string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; interactive?: boolean; answers?: string[]; color?: boolean } = {},
): Promise<CliResult> {
  const answers = [...(options.answers ?? [])];
  const stdout = capture();
  const stderr = capture();
  const io: CommandIO = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    readStdin: async () => options.stdin ?? '',
    prompt: async (question) => {
      stdout.stream.write(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected prompt: ${question}`);
      return answer;
    },
    interactive: options.interactive ?? false,
    env: { ...freshLabEnv(), ...options.env },
    color: new Chalk({ level: options.color ? 1 : 0 }),
  };
  const exitCode = await runCli(argv, io);
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
