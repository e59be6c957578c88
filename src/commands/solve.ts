import type { Command } from 'commander';
import { connectCluster, confirm } from './cluster.js';
import { action, type CommandContext, type CommandModule } from './context.js';
import { writeLine } from './io.js';
import { progressFor, scenarioFor, stepLogger } from './lab.js';

/** `solve <id>`: apply the reference solution; recorded as solved with the solution, never as completed. */
export const solveCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('solve')
      .description('apply the reference solution (recorded as "solved with the solution", not as completed)')
      .argument('<id>', 'scenario id (see `list`)')
      .option('-y, --yes', 'do not ask for confirmation')
      .action(
        action(ctx, async (id: string, options: { yes?: boolean }, command: Command) => {
          const scenario = await scenarioFor(ctx.io, id);
          const client = await connectCluster(command, ctx.io);
          try {
            const { requireLabCluster } = await import('../cluster/guard.js');
            await requireLabCluster(client);
            await confirm(ctx.io, `Apply the reference solution of "${scenario.id}" on ${client.context}? It overwrites your own fix`, options);
            const { solveScenario } = await import('../lifecycle/scenario.js');
            await solveScenario(scenario, client, stepLogger(ctx.io));
            const { recordSolution } = await import('../progress/record.js');
            await recordSolution(await progressFor(ctx.io), scenario.id);
            writeLine(ctx.io.stdout, `Applied the solution of ${scenario.id}. See it graded: k8s-sec-lab check ${scenario.id}`);
          } finally {
            client.close();
          }
        }),
      );
  },
};
