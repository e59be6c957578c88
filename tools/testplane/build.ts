import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { formatDuration, goBuild } from '../build/go.js';
import { cacheRoot, kwokModuleDir, planeModuleDir } from './paths.js';
import { pinnedKubernetesVersion } from './sync.js';

export { formatDuration } from '../build/go.js';

/** The two executables a plane runs: the multi-call control plane and kwok. */
export interface PlaneBinaries {
  testplane: string;
  kwok: string;
  kubernetesVersion: string;
}

/** A build that cannot start (no Go); a build Go rejects throws GoBuildError with Go's output. */
export class PlaneBuildError extends Error {
  override readonly name = 'PlaneBuildError';
}

const keyInputs = [
  join(planeModuleDir, 'go.mod'),
  join(planeModuleDir, 'go.sum'),
  join(planeModuleDir, 'main.go'),
  join(kwokModuleDir, 'go.mod'),
  join(kwokModuleDir, 'go.sum'),
];

/** Whether a Go toolchain is on PATH; integration tests are skipped without one. */
export async function goVersion(): Promise<string | undefined> {
  try {
    return (await execa('go', ['env', 'GOVERSION'])).stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * The cache directory for the current sources: keyed by the go.mod/go.sum of
 * both modules, the main package, the Go version and the link flags, so any
 * change rebuilds, while clones in other directories share one build.
 */
export async function cacheDirFor(go: string): Promise<string> {
  const hash = createHash('sha256').update(go).update(versionLdflags(await pinnedKubernetesVersion())).update(kwokLdflags);
  for (const file of keyInputs) hash.update(relative(planeModuleDir, file)).update(await readFile(file));
  return join(cacheRoot(), hash.digest('hex').slice(0, 16));
}

/** Returns cached binaries when a build for these sources exists, without needing Go. */
export async function findCachedBinaries(): Promise<PlaneBinaries | undefined> {
  const go = await goVersion();
  if (!go) return undefined;
  return readManifest(await cacheDirFor(go));
}

async function readManifest(dir: string): Promise<PlaneBinaries | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'build.json'), 'utf8')) as PlaneBinaries;
    await access(manifest.testplane, constants.X_OK);
    await access(manifest.kwok, constants.X_OK);
    return manifest;
  } catch {
    return undefined;
  }
}

/** Builds both binaries into the cache (or reuses them), printing progress through `log`. */
export async function buildBinaries(log: (line: string) => void): Promise<PlaneBinaries> {
  const go = await goVersion();
  if (!go) throw new PlaneBuildError('go is not on PATH: install Go 1.26 or newer to build the test control plane');
  const dir = await cacheDirFor(go);
  const cached = await readManifest(dir);
  if (cached) {
    log(`reusing cached binaries in ${dir}`);
    return cached;
  }

  const kubernetesVersion = await pinnedKubernetesVersion();
  // Build into a scratch directory and rename, so an interrupted build never looks complete.
  const scratch = `${dir}.partial-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const started = Date.now();
  log(`building the test control plane (Kubernetes ${kubernetesVersion}, ${go}) into ${dir}; a cold build takes about 15 minutes on 2 cores`);
  await goBuild({
    label: 'control plane',
    cwd: planeModuleDir,
    args: ['-ldflags', versionLdflags(kubernetesVersion), '-o', join(scratch, 'testplane'), '.'],
    log,
  });
  await goBuild({
    label: 'kwok',
    cwd: kwokModuleDir,
    args: ['-ldflags', kwokLdflags, '-o', join(scratch, 'kwok'), 'sigs.k8s.io/kwok/cmd/kwok'],
    log,
  });
  const manifest: PlaneBinaries = {
    testplane: join(dir, 'testplane'),
    kwok: join(dir, 'kwok'),
    kubernetesVersion,
  };
  await writeFile(join(scratch, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(scratch, dir);
  log(`built in ${formatDuration(Date.now() - started)}`);
  await pruneOldBuilds(dir);
  return manifest;
}

/** Keeps the newest few builds (other checkouts may pin other versions) and drops the rest. */
async function pruneOldBuilds(current: string, keep = 3): Promise<void> {
  const root = cacheRoot();
  const builds = await Promise.all(
    (await readdir(root))
      .filter((name) => !name.includes('.partial-'))
      .map(async (name) => ({ path: join(root, name), mtime: (await stat(join(root, name))).mtimeMs })),
  );
  const stale = builds
    .filter((build) => build.path !== current)
    .sort((a, b) => b.mtime - a.mtime)
    .slice(keep - 1);
  for (const build of stale) await rm(build.path, { recursive: true, force: true });
}

/** Strip symbols: the binaries are for running tests, not debugging, and half the size. */
const kwokLdflags = '-s -w';

/** -X flags so every component reports the real release instead of v0.0.0. */
export function versionLdflags(kubernetesVersion: string): string {
  const [major, minor] = kubernetesVersion.replace(/^v/, '').split('.');
  const values = { gitVersion: kubernetesVersion, gitMajor: major, gitMinor: minor, gitTreeState: 'clean' };
  const packages = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'];
  const flags = packages.flatMap((pkg) => Object.entries(values).map(([name, value]) => `-X ${pkg}.${name}=${value}`));
  return ['-s', '-w', ...flags].join(' ');
}
