import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { sessionFor } from './lab.js';

/** `status`: the learner's progress over the whole catalogue. Needs no cluster. */
export const statusCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('status')
      .description('show your progress: started, completed, attempts, hints used')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (options: { json?: boolean }) => {
          const session = sessionFor(ctx.io);
          const [catalogue, store] = await Promise.all([session.catalogue(), session.progressStore()]);
          const progress = await store.load();
          const [{ progressState }, { stateMark }] = await Promise.all([import('../progress/record.js'), import('../render/catalogue.js')]);
          const rows = catalogue.scenarios.map((scenario) => {
            const record = progress.scenarios[scenario.id];
            return {
              id: scenario.id,
              state: progressState(record),
              attempts: record?.attempts ?? 0,
              hintsUsed: Object.values(record?.hintsRevealed ?? {}).reduce((sum, rungs) => sum + rungs, 0),
              startedAt: record?.startedAt ?? null,
              completedAt: record?.completedAt ?? null,
              solutionAppliedAt: record?.solutionAppliedAt ?? null,
              lastResult: record?.lastResult ?? null,
            };
          });
          if (options.json) {
            writeJson(ctx.io.stdout, { progressFile: store.path, scenarios: rows });
            return;
          }
          const { color } = ctx.io;
          const done = rows.filter((row) => row.state === 'done').length;
          writeLine(ctx.io.stdout, color.bold(`${done} of ${rows.length} scenarios completed with your own fix`));
          const width = Math.max(...rows.map((row) => row.id.length));
          for (const row of rows) {
            const detail = row.state === 'new' ? 'not started' : `${row.state}, ${row.attempts} checks, ${row.hintsUsed} hints${row.lastResult ? `, last ${row.lastResult.status}` : ''}`;
            writeLine(ctx.io.stdout, `  ${stateMark(row.state, color)} ${row.id.padEnd(width)}  ${color.dim(detail)}`);
          }
          writeLine(ctx.io.stdout, color.dim(`progress file: ${store.path}`));
        }),
      );
  },
};
