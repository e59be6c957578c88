import { Command } from 'commander';
import { GoBuildError } from '../build/go.js';
import { buildBinaries, findCachedBinaries, formatDuration, PlaneBuildError } from './build.js';
import { down, PlaneError, up } from './plane.js';
import { startWatchdog } from './owner.js';
import { syncKubernetes } from './sync.js';

const log = (line: string) => process.stderr.write(`[testplane] ${line}\n`);

const program = new Command('testplane')
  .description('Build, start and stop the Kubernetes control plane used by integration tests.')
  .showHelpAfterError();

program
  .command('build')
  .description('build the control-plane binaries into the cache, or reuse a cached build')
  .option('--if-go', 'exit 0 without building when Go is not installed (integration tests then skip)')
  .action(async (options: { ifGo?: boolean }) => {
    try {
      await buildBinaries(log);
    } catch (error) {
      if (options.ifGo && /go is not on PATH/.test(String(error)) && process.env.CI !== 'true') return;
      throw error;
    }
  });

program
  .command('up')
  .description('start a plane in the background and wait until it is ready')
  .requiredOption('--dir <dir>', 'directory for all state of this plane (kubeconfig, logs, etcd data)')
  .option('--watch-pid <pid>', 'stop the plane when this process exits (used by the test runner)')
  .action(async (options: { dir: string; watchPid?: string }) => {
    const started = Date.now();
    const binaries = (await findCachedBinaries()) ?? (await buildBinaries(log));
    const state = await up(options.dir, binaries, log);
    if (options.watchPid) startWatchdog(state.dir, Number(options.watchPid));
    log(`up in ${formatDuration(Date.now() - started)}; kubeconfig: ${state.kubeconfig}; kubectl: ${state.kubectl}`);
  });

program
  .command('down')
  .description('stop every process of the plane in --dir')
  .requiredOption('--dir <dir>', 'directory given to up')
  .action(async (options: { dir: string }) => down(options.dir, log));

program
  .command('sync')
  .description('pin the plane module to a Kubernetes release, regenerating the staging replace block')
  .requiredOption('--kubernetes <version>', 'release tag, e.g. v1.36.3')
  .action(async (options: { kubernetes: string }) => syncKubernetes(options.kubernetes, log));

try {
  await program.parseAsync();
} catch (error) {
  // Build and plane failures carry Go's or the component's own output: print that, not our stack.
  if (error instanceof PlaneBuildError || error instanceof GoBuildError || error instanceof PlaneError) {
    log(error.message);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
