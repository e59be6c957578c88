import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { sessionFor } from './lab.js';

/** `list`: the scenarios in curriculum order, with the learner's progress. Needs no cluster. */
export const listCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('list')
      .description('list the scenarios by track, with your progress')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (options: { json?: boolean }) => {
          const session = sessionFor(ctx.io);
          const [catalogue, progress] = await Promise.all([session.catalogue(), session.progress()]);
          const { catalogueJson, catalogueText } = await import('../render/catalogue.js');
          if (options.json) writeJson(ctx.io.stdout, catalogueJson(catalogue, progress));
          else writeLine(ctx.io.stdout, catalogueText(catalogue, progress, ctx.io.color));
        }),
      );
  },
};
