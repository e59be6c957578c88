import type { Command } from 'commander';
import { connectCluster, confirm } from './cluster.js';
import { action, type CommandContext, type CommandModule } from './context.js';
import { writeLine } from './io.js';
import { progressFor, scenarioFor, stepLogger } from './lab.js';

/** `start <id>`: deploy the vulnerable setup into the lab cluster. */
export const startCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('start')
      .description('deploy the deliberately vulnerable setup of a scenario (idempotent)')
      .argument('<id>', 'scenario id (see `list`)')
      .option('-y, --yes', 'do not ask for confirmation on a cluster the lab adopted')
      .action(
        action(ctx, async (id: string, options: { yes?: boolean }, command: Command) => {
          const scenario = await scenarioFor(ctx.io, id);
          const client = await connectCluster(command, ctx.io);
          try {
            const { requireLabCluster } = await import('../cluster/guard.js');
            const marker = await requireLabCluster(client);
            if (marker.markedBy === 'adopt') {
              await confirm(ctx.io, `Deploy deliberately vulnerable workloads for "${scenario.id}" to context ${client.context} (${client.server})?`, options);
            }
            const { startScenario } = await import('../lifecycle/scenario.js');
            writeLine(ctx.io.stderr, `starting ${scenario.id} on ${client.context}`);
            await startScenario(scenario, client, stepLogger(ctx.io));
            const { recordStart } = await import('../progress/record.js');
            await recordStart(await progressFor(ctx.io), scenario.id);
            writeLine(ctx.io.stdout, `${scenario.id} is running in namespace ${scenario.namespaces.join(', ')}. Read the briefing (k8s-sec-lab show ${scenario.id}), attack, fix, then: k8s-sec-lab check ${scenario.id}`);
          } finally {
            client.close();
          }
        }),
      );
  },
};
