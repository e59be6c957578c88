import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { scenarioSubcommand, sessionFor } from './lab.js';

/** `show <id>`: the briefing, objectives and facts of one scenario. Needs no cluster. */
export const showCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'show', 'show a scenario: briefing, objectives, difficulty, time, tags')
      .option('--debrief', 'show the debrief (why the fix works, what else would, the industry checks) instead of the briefing')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (id: string, options: { json?: boolean; debrief?: boolean }) => {
          const scenario = await sessionFor(ctx.io).scenario(id);
          if (options.json) {
            const { scenarioJson } = await import('../render/catalogue.js');
            writeJson(ctx.io.stdout, { ...scenarioJson(scenario), ...(options.debrief ? { debrief: scenario.debrief } : {}) });
            return;
          }
          const { renderMarkdown } = await import('../render/markdown.js');
          const { color } = ctx.io;
          writeLine(ctx.io.stdout, color.bold(`${scenario.title}`) + color.dim(`  (${scenario.id}: ${scenario.difficulty}, ${scenario.minutes} min, ${scenario.tags.join(', ')})`));
          writeLine(ctx.io.stdout);
          writeLine(ctx.io.stdout, renderMarkdown(options.debrief ? scenario.debrief : scenario.briefing, { width: 80, color: color.level > 0 }));
          if (options.debrief) return;
          writeLine(ctx.io.stdout);
          writeLine(ctx.io.stdout, color.bold('Objectives'));
          for (const objective of scenario.objectives) writeLine(ctx.io.stdout, `  - ${objective}`);
          if (scenario.flags.length > 0) {
            writeLine(ctx.io.stdout);
            writeLine(ctx.io.stdout, color.bold('Attack flags'));
            for (const flag of scenario.flags) writeLine(ctx.io.stdout, `  - ${flag.title}: ${flag.where}`);
            writeLine(ctx.io.stdout, color.dim(`  found one? k8s-sec-lab submit ${scenario.id}   (reads the flag from stdin, out of your shell history)`));
          }
          writeLine(ctx.io.stdout);
          writeLine(ctx.io.stdout, color.dim(`start it with: k8s-sec-lab start ${scenario.id}`));
        }),
      );
  },
};
