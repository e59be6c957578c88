import { type Command, Option } from 'commander';
import type { DoctorItem, DoctorStatus } from '../cluster/doctor/items.js';
import { containerEngines, type ContainerEngine } from '../names.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { sessionFor } from './lab.js';
import { doctorMarks } from '../render/marks.js';

interface DoctorOptions {
  json?: boolean;
  provider?: ContainerEngine;
}

export const doctorCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('doctor')
      .summary('check that this machine can run the lab, and how to fix what is missing')
      .description(
        'Check the container engine, kind, kubectl, CPU, memory, disk, inotify limits, the cgroup version, the lab cluster, ' +
          'NetworkPolicy enforcement and the kubeconfig context. Every problem comes with the command that fixes it. ' +
          'Exit 0 when nothing is missing, 1 when something is.',
      )
      .option('--json', 'print the report as JSON')
      .addOption(new Option('--provider <engine>', 'the container engine to check (default: docker, or $KIND_EXPERIMENTAL_PROVIDER)').choices(containerEngines))
      .action(action(ctx, (options: DoctorOptions, command: Command) => runDoctorCommand(ctx, options, command)));
  },
};

async function runDoctorCommand(ctx: CommandContext, options: DoctorOptions, command: Command): Promise<number> {
  const { examine } = await import('../lab/cluster.js');
  const report = await examine(sessionFor(ctx.io, command), options.provider);
  if (options.json) writeJson(ctx.io.stdout, report);
  else writeHumanReport(ctx, report.items, report.durationMs);
  return report.ok ? 0 : 1;
}


function writeHumanReport(ctx: CommandContext, items: readonly DoctorItem[], durationMs: number): void {
  const { color } = ctx.io;
  const width = Math.max(...items.map((item) => item.title.length));
  for (const item of items) {
    const { mark, color: name } = doctorMarks[item.status];
    writeLine(ctx.io.stdout, `${color[name](mark)} ${item.title.padEnd(width)}  ${item.detail}`);
    if (item.fix) writeLine(ctx.io.stdout, `  ${' '.repeat(width)}  ${color.dim(`fix: ${item.fix}`)}`);
  }
  const failing = items.filter((item) => item.status === 'fail').length;
  const warnings = items.filter((item) => item.status === 'warn').length;
  const verdict = failing > 0 ? color.red(`${failing} missing`) : color.green('ready for the lab');
  writeLine(ctx.io.stdout);
  writeLine(ctx.io.stdout, `${verdict}${warnings > 0 ? `, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : ''} (doctor took ${(durationMs / 1000).toFixed(1)}s)`);
}
