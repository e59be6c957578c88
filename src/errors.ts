/**
 * Exit codes shared by every command: 0 pass (or done), 1 fail, 2 error or
 * usage. A declined confirmation is 2 everywhere, as is one that could not be
 * asked: the command did not do what it was asked to.
 */
export const ExitCode = { ok: 0, fail: 1, error: 2, declined: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the user can act on: printed as one line (plus an optional fix),
 * never with a stack trace. Anything else that escapes a command is a bug.
 */
export class LabError extends Error {
  override readonly name = 'LabError';
  constructor(
    message: string,
    readonly options: { fix?: string; exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  get fix(): string | undefined {
    return this.options.fix;
  }

  get exitCode(): ExitCode {
    return this.options.exitCode ?? ExitCode.error;
  }
}

/** The message of anything thrown, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Adds a short verb phrase in front of an error's message, as kind does
 * ("failed to create cluster: ..."), keeping the fix of a LabError.
 */
export function wrapError(phrase: string, error: unknown): LabError {
  const fix = error instanceof LabError ? error.fix : undefined;
  const exitCode = error instanceof LabError ? error.exitCode : undefined;
  return new LabError(`${phrase}: ${messageOf(error)}`, {
    cause: error,
    ...(fix === undefined ? {} : { fix }),
    ...(exitCode === undefined ? {} : { exitCode }),
  });
}
