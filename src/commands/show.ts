import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './context.js';
import { writeJson, writeLine } from './io.js';
import { scenarioFor } from './lab.js';

/** `show <id>`: the briefing, objectives and facts of one scenario. Needs no cluster. */
export const showCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('show')
      .description('show a scenario: briefing, objectives, difficulty, time, tags')
      .argument('<id>', 'scenario id (see `list`)')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (id: string, options: { json?: boolean }) => {
          const scenario = await scenarioFor(ctx.io, id);
          if (options.json) {
            const { scenarioJson } = await import('../render/catalogue.js');
            writeJson(ctx.io.stdout, scenarioJson(scenario));
            return;
          }
          const { renderMarkdown } = await import('../render/markdown.js');
          const { color } = ctx.io;
          writeLine(ctx.io.stdout, color.bold(`${scenario.title}`) + color.dim(`  (${scenario.id}: ${scenario.difficulty}, ${scenario.minutes} min, ${scenario.tags.join(', ')})`));
          writeLine(ctx.io.stdout);
          writeLine(ctx.io.stdout, renderMarkdown(scenario.briefing, { width: 80, color: color.level > 0 }));
          writeLine(ctx.io.stdout);
          writeLine(ctx.io.stdout, color.bold('Objectives'));
          for (const objective of scenario.objectives) writeLine(ctx.io.stdout, `  - ${objective}`);
          writeLine(ctx.io.stdout);
          writeLine(ctx.io.stdout, color.dim(`start it with: k8s-sec-lab start ${scenario.id}`));
        }),
      );
  },
};
