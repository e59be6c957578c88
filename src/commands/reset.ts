import type { Command } from 'commander';
import { connectCluster, confirm } from './cluster.js';
import { action, type CommandContext, type CommandModule } from './context.js';
import { writeLine } from './io.js';
import { progressFor, scenarioFor, stepLogger } from './lab.js';

/** `reset <id>`: back to the vulnerable start, removing what the learner changed in the scenario's namespaces. */
export const resetCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('reset')
      .description("return a scenario to its vulnerable start (deletes and recreates the scenario's namespaces)")
      .argument('<id>', 'scenario id (see `list`)')
      .option('-y, --yes', 'do not ask for confirmation')
      .action(
        action(ctx, async (id: string, options: { yes?: boolean }, command: Command) => {
          const scenario = await scenarioFor(ctx.io, id);
          const client = await connectCluster(command, ctx.io);
          try {
            const { requireLabCluster } = await import('../cluster/guard.js');
            await requireLabCluster(client);
            await confirm(ctx.io, `Reset "${scenario.id}" on ${client.context}? This deletes namespace ${scenario.namespaces.join(', ')} and everything you changed there`, options);
            const { resetScenario } = await import('../lifecycle/scenario.js');
            await resetScenario(scenario, client, stepLogger(ctx.io));
            const { recordStart } = await import('../progress/record.js');
            await recordStart(await progressFor(ctx.io), scenario.id);
            writeLine(ctx.io.stdout, `${scenario.id} is back at its vulnerable start.`);
          } finally {
            client.close();
          }
        }),
      );
  },
};
