import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { Command } from 'commander';
import { defaultCatalogueRoot } from '../../src/catalogue/load.js';
import { processIO } from '../../src/commands/io.js';
import { reportError } from '../../src/program.js';
import { loadKubeAccess } from '../../src/kube/config.js';
import { KubeClient } from '../../src/kube/client.js';
import { labClientIdentity } from '../../src/names.js';
import { buildBinaries, findCachedBinaries } from '../testplane/build.js';
import { startWatchdog } from '../testplane/owner.js';
import { down, up } from '../testplane/plane.js';
import { lintCatalogue } from './lint.js';
import { staticProblems } from './static-rules.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

const program = new Command('lint-scenarios')
  .description('Prove every scenario: schema, static rules, starts failing and its solution passes (on the test control plane).')
  .option('--catalogue <dir>', 'catalogue root holding scenarios/ and labs/', defaultCatalogueRoot())
  .option('--kubeconfig <file>', 'use this running test plane instead of starting one')
  .action(async (options: { catalogue: string; kubeconfig?: string }) => {
    // Everything that needs no cluster first: a broken catalogue never waits for a control plane.
    const problems = await staticProblems(options.catalogue);
    if (problems.length > 0) {
      for (const problem of problems) log(problem);
      log(`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}; fix the files named above, then run npm run lint:scenarios again`);
      process.exitCode = 1;
      return;
    }
    let dir: string | undefined;
    let kubeconfig = options.kubeconfig;
    // The replayed attack's kubectl: the plane's own when this run starts one, else the one on PATH.
    let replayEnv: NodeJS.ProcessEnv = process.env;
    if (!kubeconfig) {
      const binaries = (await findCachedBinaries()) ?? (await buildBinaries(log));
      dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-lint-'));
      const plane = await up(dir, binaries, log);
      kubeconfig = plane.kubeconfig;
      replayEnv = { ...process.env, PATH: [dirname(plane.kubectl), process.env.PATH].filter(Boolean).join(delimiter) };
      startWatchdog(dir, process.pid, { removeDir: true });
    }
    const client = new KubeClient(await loadKubeAccess({ kubeconfig }), labClientIdentity);
    try {
      const report = await lintCatalogue(options.catalogue, client, () => {}, { replayEnv });
      for (const scenario of report.scenarios) {
        log(`${scenario.problems.length === 0 ? 'ok  ' : 'FAIL'} ${scenario.id}`);
        if (scenario.afterStart) log(`     after start: ${scenario.afterStart}`);
        if (scenario.replayedSteps) log(`     attack: ${scenario.replayedSteps} api ${scenario.replayedSteps === 1 ? 'step' : 'steps'} replayed`);
        if (scenario.afterSolve) log(`     after solve: ${scenario.afterSolve}`);
        for (const problem of scenario.problems) log(`     - ${problem}`);
        for (const warning of scenario.warnings) log(`     warning: ${warning}`);
      }
      process.exitCode = report.ok ? 0 : 1;
    } finally {
      client.close();
      if (dir) {
        await down(dir, () => {});
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

try {
  await program.parseAsync();
} catch (error) {
  process.exitCode = reportError(processIO({ color: Boolean(process.stderr.isTTY) }), error);
}
