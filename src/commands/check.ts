import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { connectCluster } from './cluster.js';
import { action, type CommandContext, type CommandModule } from './context.js';
import { writeJson, writeLine } from './io.js';
import { progressFor, scenarioFor } from './lab.js';

const exitCodes = { pass: ExitCode.ok, fail: ExitCode.fail, error: ExitCode.error } as const;

/** `check <id>`: grade the learner's fix against the live cluster. Read-only: sends no write request. */
export const checkCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('check')
      .description('grade your fix against the live cluster (exit 0 pass, 1 fail, 2 error)')
      .argument('<id>', 'scenario id (see `list`)')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (id: string, options: { json?: boolean }, command: Command) => {
          const scenario = await scenarioFor(ctx.io, id);
          const store = await progressFor(ctx.io);
          const client = await connectCluster(command, ctx.io);
          try {
            const { gradeScenario } = await import('../grading/grade.js');
            const { scenarioProgress } = await import('../progress/store.js');
            const report = await gradeScenario(scenario, client, scenarioProgress(await store.load(), id).hintsRevealed);
            const { recordCheck } = await import('../progress/record.js');
            await recordCheck(store, report);
            const { gradeJson, gradeText } = await import('../render/grade.js');
            if (options.json) writeJson(ctx.io.stdout, gradeJson(report));
            else writeLine(ctx.io.stdout, gradeText(report, ctx.io.color));
            return exitCodes[report.status];
          } finally {
            client.close();
          }
        }),
      );
  },
};
