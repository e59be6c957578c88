import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { guardAndConfirm, progressFor, scenarioSubcommand, stepLogger, withScenario } from './lab.js';

/** `reset <id>`: back to the vulnerable start, removing what the learner changed in the scenario's namespaces. */
export const resetCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'reset', "return a scenario to its vulnerable start (deletes and recreates the scenario's namespaces)")
      .option('-y, --yes', 'do not ask for confirmation')
      .action(
        action(ctx, (id: string, options: { yes?: boolean }, command: Command) =>
          withScenario(ctx.io, command, id, async (scenario, client) => {
            const question = `Reset "${scenario.id}" on ${client.context}? This deletes namespace ${scenario.namespaces.join(', ')} and everything you changed there`;
            await guardAndConfirm(ctx.io, client, question, options);
            const [{ resetScenario }, { recordStart }] = await Promise.all([import('../lifecycle/scenario.js'), import('../progress/record.js')]);
            await resetScenario(scenario, client, stepLogger(ctx.io));
            await recordStart(await progressFor(ctx.io), scenario.id);
            writeLine(ctx.io.stdout, `${scenario.id} is back at its vulnerable start.`);
          }),
        ),
      );
  },
};
