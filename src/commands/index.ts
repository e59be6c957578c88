import { adoptCommand } from './adopt.js';
import { auditCommand } from './audit.js';
import { checkCommand } from './check.js';
import type { CommandModule } from './command-module.js';
import { doctorCommand } from './doctor.js';
import { downCommand } from './down.js';
import { hintCommand } from './hint.js';
import { imagesCommand } from './images.js';
import { listCommand } from './list.js';
import { reachCommand } from './reach.js';
import { resetCommand } from './reset.js';
import { showCommand } from './show.js';
import { solveCommand } from './solve.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { submitCommand } from './submit.js';
import { upCommand } from './up.js';

/** Every subcommand, in the order `--help` lists them: the learner's loop, the cluster, then the tools. */
export const commandModules: readonly CommandModule[] = [
  listCommand,
  showCommand,
  startCommand,
  checkCommand,
  hintCommand,
  submitCommand,
  resetCommand,
  solveCommand,
  statusCommand,
  upCommand,
  downCommand,
  adoptCommand,
  doctorCommand,
  imagesCommand,
  auditCommand,
  reachCommand,
];
