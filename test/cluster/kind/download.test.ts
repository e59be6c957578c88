import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadVerified } from '../../../src/cluster/kind/download.js';
import { LabError } from '../../../src/errors.js';
import { startReleaseServer, type ReleaseMode, type ReleaseServer } from '../helpers/release-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(mode: ReleaseMode): Promise<{ server: ReleaseServer; dir: string; dest: string; url: string }> {
  const server = await startReleaseServer(mode);
  const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-download-'));
  cleanups.push(() => server.close(), () => rm(dir, { recursive: true, force: true }));
  return { server, dir, dest: join(dir, 'bin', 'kind-v0.33.0'), url: `${server.base}/v0.33.0/kind-linux-amd64` };
}

const options = { fix: '`go install sigs.k8s.io/kind@v0.33.0`' };

describe('downloadVerified', () => {
  it('installs a file whose SHA-256 matches the published .sha256sum, executable', async () => {
    const { server, dest, url } = await setup('good');
    await downloadVerified(url, dest, options);
    expect(await readFile(dest)).toEqual(server.binary);
    expect((await stat(dest)).mode & 0o777).toBe(0o755);
    expect(server.requests).toEqual(['/v0.33.0/kind-linux-amd64.sha256sum', '/v0.33.0/kind-linux-amd64']);
  });

  it('deletes a file that does not match its checksum and stops', async () => {
    const { dir, dest, url } = await setup('bad-checksum');
    const error = await downloadVerified(url, dest, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).message).toMatch(new RegExp(`^${url} does not match its published checksum \\(expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}\\); the file was deleted$`));
    expect((error as LabError).fix).toContain('`go install sigs.k8s.io/kind@v0.33.0`');
    expect(await readdir(join(dir, 'bin'))).toEqual([]);
  });

  it('names the URL and the HTTP status of a missing release, and writes nothing', async () => {
    const { dir, dest, url } = await setup('missing');
    await expect(downloadVerified(url, dest, options)).rejects.toThrow(`cannot download ${url}.sha256sum: HTTP 404`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no executable behind when the transfer dies midway', async () => {
    const { dir, dest, url } = await setup('interrupted');
    await expect(downloadVerified(url, dest, options)).rejects.toThrow(`the download of ${url} was interrupted`);
    expect(await readdir(join(dir, 'bin'))).toEqual([]);
  });

  it('explains an unreachable server', async () => {
    const { server, dest, url } = await setup('good');
    await server.close();
    await expect(downloadVerified(url, dest, options)).rejects.toThrow(/^cannot download .*\.sha256sum: .*ECONNREFUSED/);
  });
});
