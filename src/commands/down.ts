import { Option } from 'commander';
import { containerEngines, labClusterName, labContextName, type ContainerEngine } from '../names.js';
import { LabError } from '../errors.js';
import { confirm } from './cluster.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeLine } from './io.js';

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
      .action(action(ctx, (options: DownOptions) => runDown(ctx, options)));
  },
};

async function runDown(ctx: CommandContext, options: DownOptions): Promise<number> {
  const { env } = ctx.io;
  const [{ selectEngine }, { kindInstallHint }, { locateKind }, { KindProvider }, { execaRunner }] = await Promise.all([
    import('../cluster/kind/engine.js'),
    import('../cluster/kind/install-hint.js'),
    import('../cluster/kind/locate.js'),
    import('../cluster/kind/provider.js'),
    import('../cluster/runner.js'),
  ]);
  const lookup = await locateKind(execaRunner, env, process.platform);
  if (lookup.status === 'missing') {
    throw new LabError('kind is not installed, so the lab cannot look for its cluster', {
      fix: `install kind (${kindInstallHint(process.platform, process.arch, env)}), or remove the nodes directly: \`docker rm -f ${labClusterName}-control-plane ${labClusterName}-worker ${labClusterName}-worker2\``,
    });
  }
  const provider = new KindProvider({ kind: lookup.kind, engine: selectEngine(options.provider, env), runner: execaRunner, env, platform: process.platform });
  if (!(await provider.list()).includes(labClusterName)) {
    writeLine(ctx.io.stdout, `there is no kind cluster named ${labClusterName}: nothing to delete`);
    return 0;
  }
  await confirm(ctx.io, `Delete the kind cluster ${labClusterName} (context ${labContextName}) and everything in it?`, options);
  await provider.delete(labClusterName);
  writeLine(ctx.io.stdout, ctx.io.color.green(`deleted kind cluster ${labClusterName}`));
  return 0;
}
