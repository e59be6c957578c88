import { Command } from 'commander';
import { formatDuration, GoBuildError } from '../build/go.js';
import { PlaneBuildError } from '../testplane/build.js';
import { buildKindNode, buildProblem, findBuild, type KindNodeBuild } from './build.js';
import { KindNodeError } from './run.js';
import { smoke } from './smoke.js';

const log = (line: string) => process.stderr.write(`[kind-node] ${line}\n`);

const program = new Command('kind-node')
  .description("Build the lab's kind node image and the stand-ins for its digest-pinned images, from Go modules and Debian packages.")
  .showHelpAfterError();

program
  .command('build')
  .description('build the node image and stand-in images, or reuse them when docker has them for these sources')
  .option('--if-docker', 'exit 0 with one SKIP line when docker (or Go, or root) is not available; a failure under CI=true')
  .option('--print-paths', 'print the build (node image, image map, kind binary) as JSON without building; exit 1 when not built')
  .action(async (options: { ifDocker?: boolean; printPaths?: boolean }) => {
    if (options.printPaths) {
      const build = await findBuild();
      if (!build) throw new KindNodeError('the kind node image for these sources is not built', 'npm run kindnode:build');
      process.stdout.write(`${JSON.stringify(build, null, 2)}\n`);
      return;
    }
    if (options.ifDocker) {
      const problem = await buildProblem();
      if (problem && process.env.CI === 'true') throw new KindNodeError(`cannot build the kind node image: ${problem}`, 'CI needs it: run tools/docker-host/ensure-docker.sh first (.ci/run does)');
      if (problem) {
        log(`SKIP: not building the kind node image: ${problem}; the kind (e2e) tests will be skipped`);
        return;
      }
    }
    const started = Date.now();
    const build = await buildKindNode(log);
    log(`${build.nodeImage} ready in ${formatDuration(Date.now() - started)}`);
    printPaths(build);
  });

program
  .command('smoke')
  .description('create a 3-node kind cluster from the built image and prove its runtime paths (exec, port-forward, pod network, DNS, NetworkPolicy, privileged pods), then delete it')
  .option('--name <name>', 'kind cluster name', 'kn-smoke')
  .option('--keep', 'leave the cluster running (its kubeconfig path is printed)')
  .action(async (options: { name: string; keep?: boolean }) => {
    const build = await findBuild();
    if (!build) throw new KindNodeError('the kind node image for these sources is not built', 'npm run kindnode:build');
    await smoke(build, { name: options.name, keep: options.keep ?? false }, log);
  });

function printPaths(build: KindNodeBuild): void {
  log(`image map: ${build.imageMap}`);
  log(`kind: ${build.kind}`);
}

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof KindNodeError) {
    log(`error: ${error.message}`);
    if (error.fix) log(`fix: ${error.fix}`);
    process.exitCode = 1;
  } else if (error instanceof GoBuildError || error instanceof PlaneBuildError) {
    log(error.message);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
