import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { confirmationHelp, terminalConfirm, withSession } from './lab.js';

interface AdoptOptions {
  yes?: boolean;
}

export const adoptCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('adopt')
      .summary('let the lab use an existing cluster (marks it as a lab cluster)')
      .description(
        'Mark the cluster of --context (default: the lab context, else the current context) as a lab cluster, ' +
          'after a confirmation that names the context and its server. Lab commands refuse to change a cluster ' +
          'without this mark. To also install the lab add-ons, use `k8s-sec-lab up --existing`.',
      )
      .option('-y, --yes', 'confirm without asking (needed without a terminal)')
      .addHelpText('after', `\n${confirmationHelp}`)
      .action(action(ctx, (options: AdoptOptions, command: Command) => runAdopt(ctx, options, command)));
  },
};

async function runAdopt(ctx: CommandContext, options: AdoptOptions, command: Command): Promise<number> {
  return withSession(ctx, command, async (session) => {
    const outcome = await session.adopt(terminalConfirm(ctx.io, options));
    const { context, server } = outcome.client;
    if (!outcome.adopted) {
      writeLine(ctx.io.stdout, `context ${context} (${server}) is already a lab cluster (marked by \`${outcome.markedBy}\` at ${outcome.markedAt})`);
      return 0;
    }
    writeLine(ctx.io.stdout, ctx.io.color.green(`context ${context} (${server}) is now a lab cluster (lab id ${outcome.labId})`));
    return 0;
  });
}
