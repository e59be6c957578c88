import type { Command } from 'commander';
import type { ClusterSelection } from '../lab/connect.js';
import type { CommandIO } from './io.js';

/** Options every command accepts, read with `command.optsWithGlobals()`. */
export interface GlobalOptions extends ClusterSelection {
  color: boolean;
  /** An image map file that rewrites image references when manifests are rendered. */
  imageMap?: string;
}

/** What each command module receives when it registers itself. */
export interface CommandContext {
  io: CommandIO;
  setExitCode: (code: number) => void;
}

export interface CommandModule {
  register(program: Command, ctx: CommandContext): void;
}

/** Wraps a command's action so its resolved exit code becomes the process's. */
export function action<Args extends unknown[]>(
  ctx: CommandContext,
  run: (...args: Args) => Promise<number | void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    const code = await run(...args);
    if (typeof code === 'number') ctx.setExitCode(code);
  };
}

/** The global flags as seen from any subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}
