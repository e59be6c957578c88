import type { Command } from 'commander';
import { LabError } from '../errors.js';
import type { Confirm } from '../lab/confirm.js';
import { LabSession } from '../lab/session.js';
import type { Scenario } from '../catalogue/load.js';
import { globalOptions, type CommandContext } from './command-module.js';
import type { CommandIO } from './io.js';
import { writeLine } from './io.js';

/** The exit code of a declined confirmation, for every command's --help. */
export const confirmationHelp = 'Exit codes: 0 done, 2 error. A declined confirmation exits with 2 and changes nothing; without a terminal, pass --yes.';

/** The lab session of one CLI invocation: the cluster chosen by --kubeconfig/--context, the catalogue, the progress file. */
export function sessionFor(io: CommandIO, command?: Command): LabSession {
  const { kubeconfig, context, imageMap } = command ? globalOptions(command) : {};
  return new LabSession({
    selection: { ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) },
    env: io.env,
    ...(imageMap ? { imageMap } : {}),
    warn: (message) => writeLine(io.stderr, io.color.yellow(`warning: ${message}`)),
  });
}

/** Runs `work` with a session, closing its connection after. */
export async function withSession<T>(ctx: CommandContext, command: Command | undefined, work: (session: LabSession) => Promise<T>): Promise<T> {
  const session = sessionFor(ctx.io, command);
  try {
    return await work(session);
  } finally {
    session.close();
  }
}

/** Runs `work` with a session and the scenario named on the command line. */
export function withScenario<T>(ctx: CommandContext, command: Command, id: string, work: (session: LabSession, scenario: Scenario) => Promise<T>): Promise<T> {
  return withSession(ctx, command, async (session) => work(session, await session.scenario(id)));
}

/**
 * How the CLI answers a confirmation: `--yes` answers for the user; without a
 * terminal there is no one to ask, so the command refuses instead of waiting
 * on stdin forever; otherwise it asks, and anything but y/yes is no.
 */
export function terminalConfirm(io: CommandIO, options: { yes?: boolean | undefined }, unattended: 'refuse' | 'decline' = 'refuse'): Confirm {
  return async (question) => {
    if (options.yes) return true;
    if (!io.interactive) {
      if (unattended === 'decline') return false;
      throw new LabError(`${question} — this needs a confirmation and there is no terminal to ask`, { fix: 'rerun with --yes to confirm' });
    }
    return askYesNo(io, question);
  };
}

/** One y/N question on the terminal; without one the answer is no. */
export async function askYesNo(io: CommandIO, question: string): Promise<boolean> {
  if (!io.interactive) return false;
  const answer = (await io.prompt(`${question} [y/N] `)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/** Progress lines go to stderr so stdout stays clean for --json and pipes. */
export function stepLogger(io: CommandIO): (line: string) => void {
  return (line) => writeLine(io.stderr, io.color.dim(`  ${line}`));
}

/** A subcommand that takes a scenario id, as start/check/hint/reset/solve do. */
export function scenarioSubcommand(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).argument('<id>', 'scenario id (see `list`)');
}
