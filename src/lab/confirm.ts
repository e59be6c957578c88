import { ExitCode, LabError } from '../errors.js';

/**
 * Asks the learner a yes/no question before a consequential action. The CLI
 * asks on the terminal (or takes --yes), the TUI shows its confirmation bar:
 * either way, false means "no".
 */
export type Confirm = (question: string) => Promise<boolean>;

/** A "no" to a confirmation: nothing was changed. The same exit code for every command. */
export class DeclinedError extends LabError {
  constructor(question: string) {
    super(`cancelled: ${question.replace(/\?$/, '')}? — no; nothing was changed`, { exitCode: ExitCode.declined });
  }
}

/** Resolves when the learner says yes; a no throws DeclinedError. */
export async function requireConfirmation(confirm: Confirm, question: string): Promise<void> {
  if (!(await confirm(question))) throw new DeclinedError(question);
}
