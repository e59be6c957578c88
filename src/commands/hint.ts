import type { Command } from 'commander';
import { connectCluster } from './cluster.js';
import { action, type CommandContext, type CommandModule } from './context.js';
import { writeJson, writeLine } from './io.js';
import { progressFor, scenarioFor } from './lab.js';

/** `hint <id>`: grade, then reveal the next rung (nudge, concept, exact command) for the first check not passing. */
export const hintCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('hint')
      .description('reveal the next hint (nudge, then concept, then the exact command) for the first failing check')
      .argument('<id>', 'scenario id (see `list`)')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (id: string, options: { json?: boolean }, command: Command) => {
          const scenario = await scenarioFor(ctx.io, id);
          const store = await progressFor(ctx.io);
          const client = await connectCluster(command, ctx.io);
          try {
            const [{ gradeScenario }, { scenarioProgress }, { recordHint }, { hintRungs }] = await Promise.all([
              import('../grading/grade.js'),
              import('../progress/store.js'),
              import('../progress/record.js'),
              import('../grading/types.js'),
            ]);
            const report = await gradeScenario(scenario, client, scenarioProgress(await store.load(), id).hintsRevealed);
            const target = report.checks.find((check) => check.status === 'fail') ?? report.checks.find((check) => check.status === 'error');
            if (!target) {
              if (options.json) writeJson(ctx.io.stdout, { scenario: id, check: null, status: report.status });
              else writeLine(ctx.io.stdout, `Every check passes: no hint needed. Read the debrief: k8s-sec-lab show ${id}`);
              return;
            }
            const spec = scenario.checks.find((check) => check.id === target.id)!;
            const revealed = await recordHint(store, id, target.id);
            const rungs = hintRungs.slice(0, revealed).map((rung) => ({ rung, text: spec.hints[rung] }));
            if (options.json) {
              writeJson(ctx.io.stdout, { scenario: id, check: target.id, title: target.title, status: target.status, revealed: rungs, remaining: hintRungs.length - revealed });
              return;
            }
            const { color } = ctx.io;
            writeLine(ctx.io.stdout, color.bold(`Hint for "${target.title}" (${revealed} of ${hintRungs.length})`));
            for (const { rung, text } of rungs) writeLine(ctx.io.stdout, `  ${color.cyan(rung.padEnd(8))}${text}`);
            if (revealed < hintRungs.length) writeLine(ctx.io.stdout, color.dim(`  run hint again for the ${hintRungs[revealed]}`));
          } finally {
            client.close();
          }
        }),
      );
  },
};
