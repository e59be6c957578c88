import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { guardAndConfirm, progressFor, scenarioSubcommand, stepLogger, withScenario } from './lab.js';

/** `start <id>`: deploy the vulnerable setup into the lab cluster. */
export const startCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'start', 'deploy the deliberately vulnerable setup of a scenario (idempotent)')
      .option('-y, --yes', 'do not ask for confirmation on a cluster the lab adopted')
      .action(
        action(ctx, (id: string, options: { yes?: boolean }, command: Command) =>
          withScenario(ctx.io, command, id, async (scenario, client) => {
            const { readMarker } = await import('../cluster/guard.js');
            // The lab's own cluster needs no question; a cluster the learner adopted gets one.
            const adopted = (await readMarker(client))?.markedBy === 'adopt';
            const question = adopted ? `Deploy deliberately vulnerable workloads for "${scenario.id}" to context ${client.context} (${client.server})?` : undefined;
            await guardAndConfirm(ctx.io, client, question, options);
            const [{ startScenario }, { recordStart }] = await Promise.all([import('../lifecycle/scenario.js'), import('../progress/record.js')]);
            writeLine(ctx.io.stderr, `starting ${scenario.id} on ${client.context}`);
            await startScenario(scenario, client, stepLogger(ctx.io));
            await recordStart(await progressFor(ctx.io), scenario.id);
            writeLine(
              ctx.io.stdout,
              `${scenario.id} is running in namespace ${scenario.namespaces.join(', ')}. Read the briefing (k8s-sec-lab show ${scenario.id}), attack, fix, then: k8s-sec-lab check ${scenario.id}`,
            );
          }),
        ),
      );
  },
};
