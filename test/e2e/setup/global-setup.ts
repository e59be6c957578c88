import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { TestProject } from 'vitest/node';
import { labClusterName } from '../../../src/names.js';
import { buildKindNode, buildProblem, findBuild } from '../../../tools/kind-node/build.js';
import { buildBinaries } from '../../../tools/testplane/build.js';
import { egressDrops, installEgressGuard } from './egress.js';
import { labCli, type KindLab } from './kind-lab.js';

/** What e2e tests receive through `inject('kind')`. */
export type ProvidedKind = { lab: KindLab; up: { output: string; ms: number } } | { skipReason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    kind: ProvidedKind;
  }
}

const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);

/**
 * Brings up the one kind cluster of the e2e run the way a learner does
 * (`k8s-sec-lab up`), on the locally built node image with the image map,
 * behind the host's egress guard, in a lab home, HOME and kubeconfig of its
 * own. Without Docker the e2e tests are skipped with one loud line, except
 * under CI=true. The teardown runs `down` and fails the run if any packet
 * tried to leave the machine.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const problem = await buildProblem();
  if (problem) {
    const reason = `the kind lane needs Docker, Go and root: ${problem}`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires the e2e tests to run (.ci/run starts Docker)`);
    process.stderr.write(`\n!!! SKIPPING E2E (kind) TESTS: ${reason} (run tools/docker-host/ensure-docker.sh, then npm test) !!!\n\n`);
    project.provide('kind', { skipReason: reason });
    return async () => {};
  }

  const build = (await findBuild()) ?? (await buildKindNode(log));
  // The e2e run brings up and deletes the lab's own cluster: never one the developer is using.
  const clusters = await execa(build.kind, ['get', 'clusters']);
  if (clusters.stdout.split('\n').includes(labClusterName)) {
    throw new Error(`a kind cluster named ${labClusterName} already runs here; the e2e tests would take it over and delete it: run k8s-sec-lab down (or kind delete cluster --name ${labClusterName}) first`);
  }
  const { testplane } = await buildBinaries(log);
  await installEgressGuard();

  const home = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-e2e-'));
  // The learner's tools: kind (the build's, which up finds on PATH) and kubectl (the test plane's multi-call binary).
  const bin = join(home, 'bin');
  await mkdir(bin);
  await symlink(testplane, join(bin, 'kubectl'));
  const lab: KindLab = {
    home,
    kubeconfig: join(home, '.kube', 'config'),
    nodeImage: build.nodeImage,
    imageMap: build.imageMap,
    env: {
      PATH: [bin, dirname(build.kind), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
      HOME: home,
      K8S_SEC_LAB_HOME: join(home, 'lab'),
      KUBECONFIG: join(home, '.kube', 'config'),
      K8S_SEC_LAB_IMAGE_MAP: build.imageMap,
      NO_COLOR: '1',
    },
  };

  const started = Date.now();
  const up = await labCli(lab, ['up', '--node-image', build.nodeImage, '--isolated-dns', '--yes'], { echo: true });
  const ms = Date.now() - started;
  log(`k8s-sec-lab up: ${Math.round(ms / 1000)} s`);
  if (up.exitCode !== 0) {
    await labCli(lab, ['down', '--yes']);
    throw new Error(`k8s-sec-lab up failed (exit ${up.exitCode}):\n${up.all}`);
  }
  project.provide('kind', { lab, up: { output: up.all, ms } });

  return async () => {
    const down = await labCli(lab, ['down', '--yes']);
    if (down.exitCode !== 0) log(`k8s-sec-lab down failed (exit ${down.exitCode}):\n${down.all}`);
    await rm(home, { recursive: true, force: true });
    const drops = await egressDrops();
    if (drops !== 0) throw new Error(`${drops} packets tried to leave the machine from the kind network during the e2e run (iptables -L K8S-SEC-LAB-EGRESS -v -n; each logged in dmesg | grep 'k8s-sec-lab egress')`);
    log('no packet tried to leave the machine (egress guard: 0 drops)');
  };
}
