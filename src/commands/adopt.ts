import type { Command } from 'commander';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { confirm, connectCluster } from './cluster.js';
import { writeLine } from './io.js';

interface AdoptOptions {
  yes?: boolean;
}

export const adoptCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('adopt')
      .summary('let the lab use an existing cluster (marks it as a lab cluster)')
      .description(
        'Mark the cluster of --context (default: the lab context, else the current context) as a lab cluster, ' +
          'after a confirmation that names the context and its server. Lab commands refuse to change a cluster ' +
          'without this mark. To also install the lab add-ons, use `k8s-sec-lab up --existing`.',
      )
      .option('-y, --yes', 'confirm without asking (needed without a terminal)')
      .action(action(ctx, (options: AdoptOptions, command: Command) => runAdopt(ctx, options, command)));
  },
};

async function runAdopt(ctx: CommandContext, options: AdoptOptions, command: Command): Promise<number> {
  const client = await connectCluster(command, ctx.io);
  try {
    const { markCluster, readMarker } = await import('../cluster/guard.js');
    const existing = await readMarker(client);
    if (existing) {
      writeLine(ctx.io.stdout, `context ${client.context} (${client.server}) is already a lab cluster (marked by \`${existing.markedBy}\` at ${existing.markedAt})`);
      return 0;
    }
    await confirm(ctx.io, adoptQuestion(client.context, client.server), options);
    const marker = await markCluster(client, 'adopt');
    writeLine(ctx.io.stdout, ctx.io.color.green(`context ${client.context} (${client.server}) is now a lab cluster (lab id ${marker.labId})`));
    return 0;
  } finally {
    client.close();
  }
}

/** The question `adopt` and `up --existing` ask: it names what will be written to, and what follows. */
export function adoptQuestion(context: string, server: string): string {
  return `Mark context "${context}" (${server}) as a lab cluster? Lab commands will then create and delete objects there`;
}
