import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { sessionFor } from './lab.js';

/** `status`: the learner's progress over the whole catalogue. Needs no cluster. */
export const statusCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('status')
      .description('show your progress per scenario: the attack (flags submitted) and the fix (started, completed, attempts, hints used)')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (options: { json?: boolean }) => {
          const session = sessionFor(ctx.io);
          const [catalogue, store] = await Promise.all([session.catalogue(), session.progressStore()]);
          const progress = await store.load();
          const [{ progressState }, { stateMark }] = await Promise.all([import('../progress/record.js'), import('../render/catalogue.js')]);
          const rows = catalogue.scenarios.map((scenario) => {
            const record = progress.scenarios[scenario.id];
            const flags = Object.values(record?.flags ?? {});
            return {
              id: scenario.id,
              // The two halves a learner proves: the attack (flags submitted), then the fix (checks).
              attack: {
                flags: scenario.flags.length,
                captured: flags.filter((flag) => flag.capturedAt).length,
                wrongSubmissions: record?.wrongFlags ?? 0,
                capturedAt: flags.map((flag) => flag.capturedAt).filter((at): at is string => at !== undefined).sort().at(-1) ?? null,
              },
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
            const attack = row.attack.flags === 0 ? '' : `attack ${row.attack.captured}/${row.attack.flags} flags${row.attack.wrongSubmissions ? ` (${row.attack.wrongSubmissions} wrong)` : ''}; `;
            const detail = row.state === 'new' ? 'not started' : `${attack}fix ${row.state}, ${row.attempts} checks, ${row.hintsUsed} hints${row.lastResult ? `, last ${row.lastResult.status}` : ''}`;
            writeLine(ctx.io.stdout, `  ${stateMark(row.state, color)} ${row.id.padEnd(width)}  ${color.dim(detail)}`);
          }
          writeLine(ctx.io.stdout, color.dim(`progress file: ${store.path}`));
        }),
      );
  },
};
