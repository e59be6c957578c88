import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { scenarioSubcommand, withScenario } from './lab.js';

const exitCodes = { pass: ExitCode.ok, fail: ExitCode.fail, error: ExitCode.error } as const;

/** `check <id>`: grade the learner's fix against the live cluster. Read-only: sends no write request. */
export const checkCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'check', 'grade your fix against the live cluster (exit 0 pass, 1 fail, 2 error)')
      .option('--json', 'print JSON')
      .action(
        action(ctx, (id: string, options: { json?: boolean }, command: Command) =>
          withScenario(ctx, command, id, async (session, scenario) => {
            const report = await session.check(scenario);
            const { gradeJson, gradeText } = await import('../render/grade.js');
            if (options.json) writeJson(ctx.io.stdout, gradeJson(report));
            else writeLine(ctx.io.stdout, gradeText(report, ctx.io.color));
            return exitCodes[report.status];
          }),
        ),
      );
  },
};
