import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { gradeAndRecord, scenarioSubcommand, withScenario } from './lab.js';

/** `hint <id>`: grade, then reveal the next rung (nudge, concept, exact command) for the first check not passing. */
export const hintCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'hint', 'reveal the next hint (nudge, then concept, then the exact command) for the first failing check')
      .option('--json', 'print JSON')
      .action(
        action(ctx, (id: string, options: { json?: boolean }, command: Command) =>
          withScenario(ctx.io, command, id, async (scenario, client) => {
            const [{ hintTarget, revealedRungs }, { recordHint }, { hintRungs }] = await Promise.all([
              import('../grading/hints.js'),
              import('../progress/record.js'),
              import('../grading/types.js'),
            ]);
            const { report, store } = await gradeAndRecord(ctx.io, scenario, client);
            const target = hintTarget(report);
            const spec = scenario.checks.find((check) => check.id === target?.id);
            if (!target || !spec) {
              if (options.json) writeJson(ctx.io.stdout, { scenario: id, check: null, status: report.status });
              else writeLine(ctx.io.stdout, `Every check passes: no hint needed. Read the debrief: k8s-sec-lab show ${id} --debrief`);
              return;
            }
            const revealed = await recordHint(store, id, target.id);
            const rungs = revealedRungs(spec.hints, revealed);
            if (options.json) {
              writeJson(ctx.io.stdout, { scenario: id, check: target.id, title: target.title, status: target.status, revealed: rungs, remaining: hintRungs.length - revealed });
              return;
            }
            const { color } = ctx.io;
            writeLine(ctx.io.stdout, color.bold(`Hint for "${target.title}" (${revealed} of ${hintRungs.length})`));
            for (const { rung, text } of rungs) writeLine(ctx.io.stdout, `  ${color.cyan(rung.padEnd(8))}${text}`);
            if (revealed < hintRungs.length) writeLine(ctx.io.stdout, color.dim(`  run hint again for the ${hintRungs[revealed]}`));
          }),
        ),
      );
  },
};
