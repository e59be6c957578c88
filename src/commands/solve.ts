import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { confirmationHelp, scenarioSubcommand, stepLogger, terminalConfirm, withScenario } from './lab.js';

/** `solve <id>`: apply the reference solution; recorded as solved with the solution, never as completed. */
export const solveCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    scenarioSubcommand(program, 'solve', 'apply the reference solution (recorded as "solved with the solution", not as completed)')
      .option('-y, --yes', 'do not ask for confirmation')
      .addHelpText('after', `\n${confirmationHelp}`)
      .action(
        action(ctx, (id: string, options: { yes?: boolean }, command: Command) =>
          withScenario(ctx, command, id, async (session, scenario) => {
            await session.solve(scenario, { confirm: terminalConfirm(ctx.io, options), log: stepLogger(ctx.io) });
            writeLine(ctx.io.stdout, `Applied the solution of ${scenario.id}. See it graded: k8s-sec-lab check ${scenario.id}`);
          }),
        ),
      );
  },
};
