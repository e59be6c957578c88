import { Command, CommanderError, Option } from 'commander';
import { ExitCode, LabError, messageOf } from './errors.js';
import type { CommandIO } from './commands/io.js';
import { writeLine } from './commands/io.js';
import { action, type GlobalOptions } from './commands/command-module.js';
import { commandModules } from './commands/index.js';
import { version } from './version.js';

/** Runs one CLI invocation and resolves to its exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CommandIO): Promise<number> {
  const outcome = { code: ExitCode.ok as number };
  const program = buildProgram(io, outcome);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with code 0; every usage mistake is an error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    }
    return reportError(io, error);
  }
}

function buildProgram(io: CommandIO, outcome: { code: number }): Command {
  const program = new Command('k8s-sec-lab')
    .description('Interactive Kubernetes security lab: run the attack, fix it, get graded against a live cluster.')
    .version(version, '-V, --version', 'print the version and exit')
    .addOption(new Option('--context <name>', 'kubeconfig context to use (default: the lab cluster, else the current context)'))
    .addOption(new Option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)'))
    .addOption(new Option('--image-map <file>', 'image map that replaces image references wherever the lab renders manifests, e.g. for local or mirrored images (default: $K8S_SEC_LAB_IMAGE_MAP)'))
    .option('--no-color', 'disable colors (also: NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(io.color.red(text)),
    });

  program.hook('preAction', (_thisCommand, actionCommand) => {
    actionCommand.exitOverride();
  });

  const ctx = {
    io,
    setExitCode: (code: number) => {
      outcome.code = code;
    },
  };
  for (const module of commandModules) module.register(program, ctx);
  // The root action opens the TUI; anything left over on the command line is a mistyped command.
  program.allowExcessArguments(true).action(
    action(ctx, async (options: GlobalOptions, command: Command) => {
      const [unknown] = command.args;
      if (unknown !== undefined) {
        throw new LabError(`unknown command '${unknown}'`, { fix: `run k8s-sec-lab --help to see the commands (${commandNames(program).join(', ')})` });
      }
      // Without a terminal there is nothing to draw on: scripts get the help instead.
      if (!io.interactive) return void program.outputHelp();
      const { openTui } = await import('./ui/open.js');
      await openTui(options, io);
    }),
  );
  return program;
}

function commandNames(program: Command): string[] {
  return program.commands.map((command) => command.name()).filter((name) => name !== 'help');
}

/** Prints a user mistake as one line (plus the fix); anything else is a bug and says so. */
export function reportError(io: CommandIO, error: unknown): number {
  if (error instanceof LabError) {
    writeLine(io.stderr, io.color.red(`error: ${error.message}`));
    if (error.fix) writeLine(io.stderr, `  fix: ${error.fix}`);
    return error.exitCode;
  }
  writeLine(io.stderr, io.color.red(`internal error: ${messageOf(error)}`));
  if (io.env.K8S_SEC_LAB_DEBUG && error instanceof Error && error.stack) writeLine(io.stderr, error.stack);
  else writeLine(io.stderr, '  this is a bug in k8s-sec-lab; rerun with K8S_SEC_LAB_DEBUG=1 for details and report it');
  return ExitCode.error;
}
