import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureKind } from '../../../src/cluster/kind/install.js';
import { cachedKindPath, locateKind } from '../../../src/cluster/kind/locate.js';
import { execaRunner } from '../../../src/cluster/runner.js';
import { fakeBin, kindVersionResponse, type FakeBin } from '../helpers/fake-bin.js';
import { startReleaseServer } from '../helpers/release-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function labHome(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-home-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function pathWithKind(version: string): Promise<FakeBin> {
  const bin = await fakeBin({ kind: { version: kindVersionResponse(version) } });
  cleanups.push(() => bin.cleanup());
  return bin;
}

describe('locateKind', () => {
  it('uses a kind on PATH that is new enough', async () => {
    const bin = await pathWithKind('v0.34.1');
    const lookup = await locateKind(execaRunner, { PATH: bin.path, K8S_SEC_LAB_HOME: await labHome() }, 'linux');
    expect(lookup).toEqual({ status: 'found', kind: { path: join(bin.dir, 'kind'), version: 'v0.34.1', source: 'path' } });
  });

  it('reports a kind on PATH that predates kubeadm v1beta4 support as too old', async () => {
    const bin = await pathWithKind('v0.31.0');
    const lookup = await locateKind(execaRunner, { PATH: bin.path, K8S_SEC_LAB_HOME: await labHome() }, 'linux');
    expect(lookup).toEqual({ status: 'too-old', kind: { path: join(bin.dir, 'kind'), version: 'v0.31.0', source: 'path' } });
  });

  it('falls back to the lab\'s own verified download', async () => {
    const home = await labHome();
    const server = await startReleaseServer('good');
    cleanups.push(() => server.close());
    const env = { PATH: '/usr/bin:/bin', K8S_SEC_LAB_HOME: home, K8S_SEC_LAB_KIND_DOWNLOAD_URL: server.base };
    await ensureKind({ status: 'missing' }, { env, platform: 'linux', arch: 'x64', confirm: async () => true });
    expect(await locateKind(execaRunner, env, 'linux')).toEqual({
      status: 'found',
      kind: { path: join(home, 'cache', 'bin', 'kind-v0.33.0'), version: 'v0.33.0', source: 'cache' },
    });
  });

  it('finds nothing on an empty PATH', async () => {
    expect(await locateKind(execaRunner, { PATH: '', K8S_SEC_LAB_HOME: await labHome() }, 'linux')).toEqual({ status: 'missing' });
  });
});

describe('ensureKind', () => {
  it('downloads the pinned release for this OS/arch after the user agrees, naming URL and destination', async () => {
    const home = await labHome();
    const server = await startReleaseServer('good');
    cleanups.push(() => server.close());
    const questions: string[] = [];
    const env = { K8S_SEC_LAB_HOME: home, K8S_SEC_LAB_KIND_DOWNLOAD_URL: `${server.base}/` };
    const kind = await ensureKind({ status: 'missing' }, { env, platform: 'linux', arch: 'arm64', confirm: async (question) => (questions.push(question), true) });
    expect(kind).toEqual({ path: cachedKindPath(env, 'linux'), version: 'v0.33.0', source: 'cache' });
    expect(questions).toEqual([
      `kind is not installed (not on PATH). Download kind v0.33.0 from ${server.base}/v0.33.0/kind-linux-arm64 into ${kind.path} (verified against its published SHA-256)?`,
    ]);
    expect((await stat(kind.path)).mode & 0o111).not.toBe(0);
  });

  it('refuses with the install commands when the user declines, downloading nothing', async () => {
    const home = await labHome();
    const lookup = { status: 'too-old' as const, kind: { path: '/usr/local/bin/kind', version: 'v0.20.0', source: 'path' as const } };
    const error = await ensureKind(lookup, { env: { K8S_SEC_LAB_HOME: home }, platform: 'darwin', arch: 'arm64', confirm: async () => false }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      message: 'the kind on PATH (/usr/local/bin/kind, v0.20.0) is too old: the lab needs kind v0.32.0 or newer',
      fix: 'rerun with --yes to let the lab download kind v0.33.0, or install it: `brew install kind`, or `go install sigs.k8s.io/kind@v0.33.0`',
    });
    await expect(stat(join(home, 'cache'))).rejects.toThrow();
  });

  it('offers no download where kind publishes no binary', async () => {
    let asked = false;
    const promise = ensureKind({ status: 'missing' }, { env: {}, platform: 'linux', arch: 'riscv64', confirm: async () => (asked = true) });
    await expect(promise).rejects.toMatchObject({ fix: 'install kind v0.33.0: `go install sigs.k8s.io/kind@v0.33.0` (kind publishes no binary for linux/riscv64)' });
    expect(asked).toBe(false);
  });
});
