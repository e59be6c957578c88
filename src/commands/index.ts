import type { CommandModule } from './context.js';

/** Every subcommand, in the order `--help` lists them. */
export const commandModules: readonly CommandModule[] = [];
