import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { confirmationHelp, scenarioSubcommand, stepLogger, terminalConfirm, withScenario } from './lab.js';

/** `start <id>`: deploy the vulnerable setup into the lab cluster. */
export const startCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'start', 'deploy the deliberately vulnerable setup of a scenario (idempotent)')
      .option('-y, --yes', 'do not ask for confirmation on a cluster the lab adopted')
      .addHelpText('after', `\n${confirmationHelp}`)
      .action(
        action(ctx, (id: string, options: { yes?: boolean }, command: Command) =>
          withScenario(ctx, command, id, async (session, scenario) => {
            const client = await session.connect();
            writeLine(ctx.io.stderr, `starting ${scenario.id} on ${client.context}`);
            await session.start(scenario, { confirm: terminalConfirm(ctx.io, options), log: stepLogger(ctx.io) });
            writeLine(
              ctx.io.stdout,
              `${scenario.id} is running in namespace ${scenario.namespaces.join(', ')}. Read the briefing (k8s-sec-lab show ${scenario.id}), attack, fix, then: k8s-sec-lab check ${scenario.id}`,
            );
          }),
        ),
      );
  },
};
