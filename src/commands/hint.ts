import type { Command } from 'commander';
import { hintRungs } from '../grading/types.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { scenarioSubcommand, withScenario } from './lab.js';

/** `hint <id>`: grade, then reveal the next rung (nudge, concept, exact command) for the first check not passing. */
export const hintCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'hint', 'reveal the next hint (nudge, then concept, then the exact command) for the first failing check')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nWhen the cluster cannot be graded (API server down, a check in error), no hint is spent and the exit code is 2.')
      .action(
        action(ctx, (id: string, options: { json?: boolean }, command: Command) =>
          withScenario(ctx, command, id, async (session, scenario) => {
            const { report, hint } = await session.hint(scenario);
            if (!hint) {
              if (options.json) writeJson(ctx.io.stdout, { scenario: id, check: null, status: report.status });
              else writeLine(ctx.io.stdout, `Every check passes: no hint needed. Read the debrief: k8s-sec-lab show ${id} --debrief`);
              return;
            }
            const target = report.checks.find((check) => check.id === hint.checkId);
            if (options.json) {
              writeJson(ctx.io.stdout, { scenario: id, for: hint.kind, check: hint.checkId, title: hint.title, status: target?.status, revealed: hint.rungs, remaining: hintRungs.length - hint.revealed });
              return;
            }
            const { color } = ctx.io;
            const what = hint.kind === 'attack' ? `the attack: ${hint.title}` : `"${hint.title}"`;
            writeLine(ctx.io.stdout, color.bold(`Hint for ${what} (${hint.revealed} of ${hintRungs.length})`));
            for (const { rung, text } of hint.rungs) writeLine(ctx.io.stdout, `  ${color.cyan(rung.padEnd(8))}${text}`);
            if (hint.revealed < hintRungs.length) writeLine(ctx.io.stdout, color.dim(`  run hint again for the ${hintRungs[hint.revealed]}`));
          }),
        ),
      );
  },
};
