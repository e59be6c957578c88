import { type Command, Option } from 'commander';
import { containerEngines, labClusterName, type ContainerEngine } from '../names.js';
import type { UpEvent } from '../cluster/up.js';
import type { UpOutcome } from '../lab/cluster.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import type { CommandIO } from './io.js';
import { writeLine } from './io.js';
import { askYesNo, confirmationHelp, terminalConfirm, withSession } from './lab.js';

interface UpCommandOptions {
  provider?: ContainerEngine;
  nodeImage?: string;
  existing?: boolean;
  isolatedDns?: boolean;
  yes?: boolean;
}

export const upCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('up')
      .summary('create (or reuse) the local lab cluster with kind')
      .description(
        `Create the kind cluster ${labClusterName} (one control plane, two workers, audit logging, API on 127.0.0.1), ` +
          'or reuse it when it is healthy; wait until it is really ready, install the lab add-ons, prove that ' +
          'NetworkPolicy is enforced, and mark it as the lab cluster. With --existing, use a cluster you already ' +
          'have (--context) instead, after a confirmation.',
      )
      .addOption(new Option('--provider <engine>', 'the container engine kind runs on (default: docker, or $KIND_EXPERIMENTAL_PROVIDER)').choices(containerEngines))
      .option('--node-image <ref>', 'the kind node image to create the cluster from, e.g. a newer Kubernetes or a mirror (default: $K8S_SEC_LAB_NODE_IMAGE, else the one labs/cluster/kind.yaml pins); --image-map applies to it too')
      .option('--existing', 'use an existing cluster (--context, else the current context) instead of creating one')
      .option('--isolated-dns', 'rewrite CoreDNS without its upstream: cluster names resolve, every other name is refused, no DNS query leaves the machine (test clusters; env K8S_SEC_LAB_ISOLATED_DNS=1)')
      .option('-y, --yes', 'answer yes: download kind if needed, recreate a broken cluster, confirm --existing')
      .addHelpText('after', `\n${confirmationHelp}`)
      .action(action(ctx, (options: UpCommandOptions, command: Command) => runUpCommand(ctx, options, command)));
  },
};

async function runUpCommand(ctx: CommandContext, options: UpCommandOptions, command: Command): Promise<number> {
  const [{ bringUp }, { upStepTitles }] = await Promise.all([import('../lab/cluster.js'), import('../cluster/up.js')]);
  const { io } = ctx;
  return withSession(ctx, command, async (session) => {
    const result = await bringUp(session, {
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.nodeImage ? { nodeImage: options.nodeImage } : {}),
      ...(options.existing ? { existing: true } : {}),
      ...(options.isolatedDns || io.env.K8S_SEC_LAB_ISOLATED_DNS === '1' ? { isolatedDns: true } : {}),
      // Without a terminal, kind's questions are a no and `up` says what it could not do and how to fix
      // it; --existing's question about the learner's own cluster is refused outright instead.
      confirm: terminalConfirm(io, options, options.existing ? 'refuse' : 'decline'),
      // After Ctrl-C, starting over is the learner's own decision: --yes does not answer it.
      confirmAfterInterrupt: (question) => askYesNo(io, question),
      report: eventWriter(io, upStepTitles),
      warn: (message) => writeLine(io.stderr, io.color.yellow(`warning: ${message}`)),
    });
    try {
      writeLine(io.stdout);
      writeLine(io.stdout, io.color.green(summary(result)));
      return 0;
    } finally {
      result.client.close();
    }
  });
}

/** Writes one line per event: a start line, then the outcome with the step's elapsed time. */
function eventWriter(io: CommandIO, titles: Record<UpEvent['step'], string>): (event: UpEvent) => void {
  const titleWidth = Math.max(...Object.values(titles).map((title) => title.length));
  const { color } = io;
  const marks = { start: color.dim('…'), done: color.green('✓'), skipped: color.dim('–'), failed: color.red('✗') };
  return (event) => {
    const time = event.status === 'done' || event.status === 'failed' ? color.dim(`(${seconds(event.elapsedMs)})`) : '';
    const detail = event.status === 'start' ? color.dim(event.detail ?? '') : (event.detail ?? '');
    const line = [marks[event.status], titles[event.step].padEnd(titleWidth), time, detail].filter(Boolean).join(' ');
    writeLine(io.stdout, line.trimEnd());
  };
}

/** The closing line; after a fresh create it splits kind's own time from the lab's overhead. */
function summary(result: UpOutcome): string {
  const total = seconds(result.timings.totalMs);
  const split =
    result.timings.createMs === undefined
      ? ''
      : ` (kind create cluster ${seconds(result.timings.createMs)}, the lab's own steps ${seconds(result.timings.totalMs - result.timings.createMs)})`;
  const enforcement = `NetworkPolicy enforced: ${result.networkPolicy.enforced}`;
  return `lab cluster ready in ${total}${split}; context ${result.client.context}; ${enforcement}. Next: k8s-sec-lab list`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
