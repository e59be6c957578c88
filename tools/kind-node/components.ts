import { chmod, cp, mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goBuild } from '../build/go.js';
import { pinnedKubernetesVersion } from '../testplane/sync.js';
import { cniModuleDir, coreDNSModuleDir, knpPatch, type BuildLayout } from './paths.js';
import { goComponents, kubeNetworkPolicies, pauseVersion, type GoComponent } from './pins.js';
import { exists } from './roots.js';
import { KindNodeError, pool, run, step, type Log } from './run.js';

/** Strip symbols and DWARF: smaller binaries and a shorter link, same behaviour. */
const ldflags = '-s -w';

/** Where `go mod download` put a module (its source, e.g. kind's images/base/files). */
export async function moduleDir(module: string, version: string): Promise<string> {
  const { Dir, Error: failure } = JSON.parse(await run('go', ['mod', 'download', '-json', `${module}@${version}`])) as { Dir?: string; Error?: string };
  if (!Dir) throw new KindNodeError(`go mod download ${module}@${version}: ${failure ?? 'no directory'}`);
  return Dir;
}

/** One binary-producing job; `outputs` are the names it leaves in bin/. */
interface BinaryJob {
  label: string;
  outputs: string[];
  build(gobin: string, log: Log): Promise<void>;
}

/**
 * Builds every binary the node image needs into layout.bin, two at a time (one
 * Go build leaves a core idle while it links), skipping those already there.
 * Each job builds into a scratch folder and moves its outputs into place, so an
 * interrupted build never leaves a half-written binary under its final name.
 */
export async function buildComponents(layout: BuildLayout, log: Log, only?: string[]): Promise<void> {
  const jobs = allJobs(layout).filter((job) => !only || job.outputs.some((output) => only.includes(output)));
  const missing: BinaryJob[] = [];
  for (const job of jobs) {
    const present = await Promise.all(job.outputs.map((name) => exists(join(layout.bin, name))));
    if (!present.every(Boolean)) missing.push(job);
  }
  if (missing.length === 0) return;
  await mkdir(layout.bin, { recursive: true });
  await pool(
    2,
    missing.map((job) => async () => {
      const gobin = join(layout.work, `gobin-${job.outputs[0]}`);
      await rm(gobin, { recursive: true, force: true });
      await mkdir(gobin, { recursive: true });
      await step(log, `build ${job.label}`, () => job.build(gobin, log));
      for (const name of job.outputs) await rename(join(gobin, name), join(layout.bin, name));
      await rm(gobin, { recursive: true, force: true });
    }),
  );
}

function allJobs(layout: BuildLayout): BinaryJob[] {
  const installs = Object.entries(goComponents).map(([label, component]): BinaryJob => ({
    label: `${label} ${component.version}`,
    outputs: component.binaries,
    build: (gobin, log) => goInstall(label, component, gobin, log),
  }));
  return [
    ...installs,
    {
      label: `kube-network-policies ${kubeNetworkPolicies.version} (NFQUEUE-compat patch)`,
      outputs: ['kube-network-policies'],
      build: (gobin, log) => buildPatchedKubeNetworkPolicies(layout, gobin, log),
    },
    {
      label: 'CoreDNS (tools/kind-node/coredns)',
      outputs: ['coredns'],
      build: (gobin, log) =>
        goBuild({ label: 'CoreDNS', cwd: coreDNSModuleDir, args: ['-ldflags', ldflags, '-o', join(gobin, 'coredns'), '.'], env: { CGO_ENABLED: '0' }, log }),
    },
    {
      // The test plane's cgo setting and no -trimpath: client-go and netlink come from its build cache.
      label: 'kindhere-cni (tools/kind-node/cni)',
      outputs: ['kindhere-cni'],
      build: (gobin, log) => goBuild({ label: 'kindhere-cni', cwd: cniModuleDir, args: ['-ldflags', ldflags, '-o', join(gobin, 'kindhere-cni'), '.'], log }),
    },
    { label: `pause ${pauseVersion}`, outputs: ['pause'], build: (gobin) => buildPause(gobin) },
  ];
}

function goInstall(label: string, component: GoComponent, gobin: string, log: Log): Promise<void> {
  const targets = component.packages.map((pkg) => `${pkg ? `${component.module}/${pkg}` : component.module}@${component.version}`);
  const tags = component.tags ? ['-tags', component.tags] : [];
  return goBuild({
    label,
    subcommand: 'install',
    cwd: tmpdir(),
    args: [...tags, '-ldflags', ldflags, ...targets],
    env: { GOBIN: gobin, CGO_ENABLED: component.cgo ? '1' : '0' },
    log,
  });
}

/**
 * kube-network-policies from a copy of its module with knp/nfqueue-compat.patch
 * applied (knp/README.md says why), built with the module's own go.mod.
 */
async function buildPatchedKubeNetworkPolicies(layout: BuildLayout, gobin: string, log: Log): Promise<void> {
  const source = await moduleDir(kubeNetworkPolicies.module, kubeNetworkPolicies.version);
  const copy = join(layout.work, 'kube-network-policies');
  await rm(copy, { recursive: true, force: true });
  await cp(source, copy, { recursive: true });
  // The module cache is read-only; the copy must not be.
  await run('chmod', ['-R', 'u+w', copy]);
  await run('patch', ['-p1', '--forward', '--silent', '-i', knpPatch], { cwd: copy });
  await goBuild({
    label: 'kube-network-policies',
    cwd: copy,
    args: ['-ldflags', ldflags, '-o', join(gobin, 'kube-network-policies'), './cmd'],
    env: { CGO_ENABLED: '0' },
    log,
  });
  await rm(copy, { recursive: true, force: true });
}

/** The pause container from the Kubernetes sources, as its Makefile builds it. */
async function buildPause(gobin: string): Promise<void> {
  const kubernetes = await moduleDir('k8s.io/kubernetes', await pinnedKubernetesVersion());
  const output = join(gobin, 'pause');
  await run('gcc', ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${pauseVersion}`, '-o', output, join(kubernetes, 'build', 'pause', 'linux', 'pause.c')]);
  await chmod(output, 0o755);
}
