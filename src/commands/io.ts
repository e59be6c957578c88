import { constants } from 'node:os';
import { Chalk, type ChalkInstance } from 'chalk';

/**
 * What a command may touch of the outside world. Commands write through this
 * instead of `process` so tests can run them in-process and read their output.
 */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  readStdin: () => Promise<string>;
  /** Asks one question on the terminal and resolves to the typed line. Only used when `interactive`. */
  prompt: (question: string) => Promise<string>;
  /** True when stdin and stdout are a terminal: prompts and the TUI are possible. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  color: ChalkInstance;
}

export function processIO(options: { color: boolean }): CommandIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readAllOf(process.stdin, process.stderr),
    prompt: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        // In raw mode Ctrl-C reaches readline as an event, not a signal: treat it as "no".
        return await new Promise<string>((resolve) => {
          rl.once('SIGINT', () => resolve(''));
          void rl.question(question).then(resolve, () => resolve(''));
        });
      } finally {
        rl.close();
      }
    },
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env: process.env,
    color: new Chalk({ level: options.color ? 1 : 0 }),
  };
}

/**
 * Reads a stream to its end. On a terminal nothing would show that the
 * command is waiting for input, so it first says so (on stderr, keeping
 * stdout for the result) and how to finish.
 */
export async function readAllOf(stdin: NodeJS.ReadableStream & { isTTY?: boolean }, stderr: NodeJS.WritableStream): Promise<string> {
  if (stdin.isTTY) {
    const end = process.platform === 'win32' ? 'Ctrl-Z, then Enter' : 'Ctrl-D';
    stderr.write(`reading manifests from stdin: paste them, then press ${end} (or pass -f <file>)\n`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Color is on for a terminal unless NO_COLOR (any non-empty value) or --no-color says otherwise. */
export function wantsColor(argv: readonly string[], env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (argv.includes('--no-color')) return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return isTTY;
}

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/** Writes pieces in order, waiting whenever the stream asks to (a slow pipe must not make them pile up in memory). */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string | Uint8Array>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  }
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A reader that went away (`k8s-sec-lab show x | head`) ends the command
 * quietly, as git does: no stack, and the status a shell reports for a
 * program killed by SIGPIPE (128 + 13). Any other write error stays fatal.
 */
export function exitQuietlyWhenReaderLeaves(stream: NodeJS.WriteStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exit(128 + constants.signals.SIGPIPE);
  });
}
