import { auditCommand } from './audit.js';
import type { CommandModule } from './context.js';
import { reachCommand } from './reach.js';

/** Every subcommand, in the order `--help` lists them. */
export const commandModules: readonly CommandModule[] = [auditCommand, reachCommand];
