import { type Command, Option } from 'commander';
import { containerEngines, labClusterName, type ContainerEngine } from '../names.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';
import { confirmationHelp, terminalConfirm, withSession } from './lab.js';

interface DownOptions {
  provider?: ContainerEngine;
  yes?: boolean;
}

export const downCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('down')
      .summary(`delete the lab's kind cluster (${labClusterName})`)
      .description(
        `Delete the kind cluster ${labClusterName} and everything in it, after a confirmation. Only that cluster: ` +
          'clusters the lab adopted are left alone.',
      )
      .addOption(new Option('--provider <engine>', 'the container engine kind runs on (default: docker, or $KIND_EXPERIMENTAL_PROVIDER)').choices(containerEngines))
      .option('-y, --yes', 'confirm without asking (needed without a terminal)')
      .addHelpText('after', `\n${confirmationHelp}`)
      .action(action(ctx, (options: DownOptions, command: Command) => runDown(ctx, options, command)));
  },
};

async function runDown(ctx: CommandContext, options: DownOptions, command: Command): Promise<number> {
  const { tearDown } = await import('../lab/cluster.js');
  const deleted = await withSession(ctx, command, (session) =>
    tearDown(session, { ...(options.provider ? { provider: options.provider } : {}), confirm: terminalConfirm(ctx.io, options) }),
  );
  if (deleted) writeLine(ctx.io.stdout, ctx.io.color.green(`deleted kind cluster ${labClusterName}`));
  else writeLine(ctx.io.stdout, `there is no kind cluster named ${labClusterName}: nothing to delete`);
  return 0;
}
