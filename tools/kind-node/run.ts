import { execa, ExecaError, type Options } from 'execa';
import { formatDuration } from '../build/go.js';

/** A build step that failed in a way the user can act on; `fix` says how. */
export class KindNodeError extends Error {
  override readonly name = 'KindNodeError';
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

export type Log = (line: string) => void;

/**
 * Runs a command and returns its stdout; on failure throws a KindNodeError naming
 * the command and quoting the end of its output, never a stack trace.
 */
export async function run(command: string, args: string[], options: Options = {}): Promise<string> {
  try {
    const result = await execa(command, args, { ...options, stripFinalNewline: true });
    return typeof result.stdout === 'string' ? result.stdout : '';
  } catch (error) {
    throw commandError(command, args, error);
  }
}

export function commandError(command: string, args: string[], error: unknown): KindNodeError {
  if (!(error instanceof ExecaError)) return new KindNodeError(`${command} failed: ${String(error)}`);
  const output = [error.stderr, error.stdout]
    .map((text: unknown) => (typeof text === 'string' ? text : ''))
    .filter((text) => text.trim() !== '')
    .join('\n')
    .split('\n')
    .slice(-30)
    .join('\n');
  const shown = [command, ...args].join(' ');
  const short = shown.length > 300 ? `${shown.slice(0, 300)}...` : shown;
  return new KindNodeError(`${short} failed (${error.shortMessage.split('\n')[0]})${output ? `:\n${output}` : ''}`);
}

/** Logs the start and the duration of a step, so a slow one shows in CI logs. */
export async function step<T>(log: Log, label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  log(`${label} ...`);
  const result = await work();
  log(`${label}: done in ${formatDuration(Date.now() - started)}`);
  return result;
}

/** Runs tasks at most `limit` at a time; the first failure rejects once all running ones settle. */
export async function pool(limit: number, tasks: (() => Promise<void>)[]): Promise<void> {
  const queue = [...tasks];
  const failures: unknown[] = [];
  const worker = async () => {
    for (let task = queue.shift(); task && failures.length === 0; task = queue.shift()) {
      try {
        await task();
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
