import { LabError } from '../errors.js';

export interface RunOptions {
  /** The child's whole environment (not merged with this process's), so tests control PATH. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Aborting kills the child (SIGTERM) and rejects with CommandInterruptedError. */
  signal?: AbortSignal;
  /** Also appends the child's stdout and stderr to this file as they arrive. */
  logFile?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs one program without a shell; a non-zero exit is a result, not an error. */
export type Runner = (file: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

/** The program is not installed (ENOENT). */
export class CommandNotFoundError extends LabError {
  constructor(readonly file: string) {
    super(`${file} was not found`);
  }
}

/** The run was stopped through its signal (Ctrl-C); the output so far is kept for the log. */
export class CommandInterruptedError extends LabError {
  constructor(
    readonly file: string,
    readonly output: string,
  ) {
    super(`${file} was interrupted`);
  }
}

export const execaRunner: Runner = async (file, args, options = {}) => {
  // Loaded on first use: commands that never run a program do not pay for execa.
  const { execa } = await import('execa');
  const log = options.logFile ? [{ file: options.logFile, append: true }] : [];
  const result = await execa(file, [...args], {
    env: options.env ?? process.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    stdout: ['pipe', ...log],
    stderr: ['pipe', ...log],
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new CommandNotFoundError(file);
  // Ctrl-C reaches the child too (same process group), so it may die of SIGINT before the abort lands.
  if (result.isCanceled || result.signal === 'SIGINT') throw new CommandInterruptedError(file, `${stdout}\n${stderr}`.trim());
  if (result.timedOut) {
    throw new LabError(`${file} ${args.join(' ')} did not finish within ${(options.timeoutMs ?? 0) / 1000}s`, {
      fix: 'check that the container engine is responsive (`docker ps`), then retry',
    });
  }
  return { exitCode: result.exitCode ?? 1, stdout, stderr };
};
