import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { guardAndConfirm, progressFor, scenarioSubcommand, stepLogger, withScenario } from './lab.js';

/** `solve <id>`: apply the reference solution; recorded as solved with the solution, never as completed. */
export const solveCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'solve', 'apply the reference solution (recorded as "solved with the solution", not as completed)')
      .option('-y, --yes', 'do not ask for confirmation')
      .action(
        action(ctx, (id: string, options: { yes?: boolean }, command: Command) =>
          withScenario(ctx.io, command, id, async (scenario, client) => {
            await guardAndConfirm(ctx.io, client, `Apply the reference solution of "${scenario.id}" on ${client.context}? It overwrites your own fix`, options);
            const [{ solveScenario }, { recordSolution }] = await Promise.all([import('../lifecycle/scenario.js'), import('../progress/record.js')]);
            await solveScenario(scenario, client, stepLogger(ctx.io));
            await recordSolution(await progressFor(ctx.io), scenario.id);
            writeLine(ctx.io.stdout, `Applied the solution of ${scenario.id}. See it graded: k8s-sec-lab check ${scenario.id}`);
          }),
        ),
      );
  },
};
