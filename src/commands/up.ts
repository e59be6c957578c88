import { type Command, Option } from 'commander';
import { containerEngines, labClusterName, type ContainerEngine } from '../names.js';
import type { UpEvent, UpOptions, UpQuestion, UpResult } from '../cluster/up.js';
import { messageOf } from '../errors.js';
import { adoptQuestion } from './adopt.js';
import { confirm, connectCluster } from './cluster.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import type { CommandIO } from './io.js';
import { writeLine } from './io.js';

interface UpCommandOptions {
  provider?: ContainerEngine;
  existing?: boolean;
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
      .option('--existing', 'use an existing cluster (--context, else the current context) instead of creating one')
      .option('-y, --yes', 'answer yes: download kind if needed, recreate a broken cluster, confirm --existing')
      .action(action(ctx, (options: UpCommandOptions, command: Command) => runUpCommand(ctx, options, command)));
  },
};

async function runUpCommand(ctx: CommandContext, options: UpCommandOptions, command: Command): Promise<number> {
  const { io } = ctx;
  const [{ runUp, upStepTitles }, { kindUpDeps }, { labNodeCount }, { selectEngine }] = await Promise.all([
    import('../cluster/up.js'),
    import('../cluster/kind/lab-deps.js'),
    import('../cluster/kind/config.js'),
    import('../cluster/kind/engine.js'),
  ]);
  const deps = kindUpDeps({
    env: io.env,
    engine: selectEngine(options.provider, io.env),
    confirmDownload: (question) => ask(io, question, options.yes),
    decide: (question) => ask(io, questionText(question), question.kind === 'interrupted' ? false : options.yes),
  });
  let upOptions: UpOptions = { mode: 'kind', expectedNodes: labNodeCount };
  if (options.existing) {
    const client = await connectCluster(command, io);
    await confirm(io, `${adoptQuestion(client.context, client.server)}, after installing the lab add-ons`, options);
    upOptions = { mode: 'existing', client };
  }
  const result = await runUp(deps, upOptions, eventWriter(io, upStepTitles));
  try {
    writeLine(io.stdout);
    writeLine(io.stdout, io.color.green(summary(result)));
    return 0;
  } finally {
    result.client.close();
  }
}

/** Asks a yes/no question; `--yes` answers it, and without a terminal the answer is no. */
async function ask(io: CommandIO, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!io.interactive) return false;
  const answer = (await io.prompt(`${question} [y/N] `)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

function questionText(question: UpQuestion): string {
  switch (question.kind) {
    case 'interrupted':
      return `kind was stopped. Delete the half-created cluster ${labClusterName} and create it again?`;
    case 'create-failed':
      return `Creating the cluster failed (${messageOf(question.error)}; kind's output: ${question.logFile}). Delete what was created and try once more?`;
    case 'unhealthy':
      return `The kind cluster ${labClusterName} exists but is not healthy (${question.detail}). Delete it and create it again?`;
  }
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
function summary(result: UpResult): string {
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
