import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { confirmationHelp, scenarioSubcommand, stepLogger, terminalConfirm, withScenario } from './lab.js';

/** `reset <id>`: back to the vulnerable start, removing what the learner changed in the scenario's namespaces. */
export const resetCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'reset', "return a scenario to its vulnerable start (deletes and recreates the scenario's namespaces)")
      .option('-y, --yes', 'do not ask for confirmation')
      .addHelpText('after', `\n${confirmationHelp}`)
      .action(
        action(ctx, (id: string, options: { yes?: boolean }, command: Command) =>
          withScenario(ctx, command, id, async (session, scenario) => {
            await session.reset(scenario, { confirm: terminalConfirm(ctx.io, options), log: stepLogger(ctx.io) });
            writeLine(ctx.io.stdout, `${scenario.id} is back at its vulnerable start.`);
          }),
        ),
      );
  },
};
