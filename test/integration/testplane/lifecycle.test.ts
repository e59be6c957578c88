import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { findCachedBinaries } from '../../../tools/testplane/build.js';
import { down, PlaneError, up, type PlaneState } from '../../../tools/testplane/plane.js';
import { isRunning } from '../../../tools/testplane/processes.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';

// These tests start a second plane of their own; the shared one keeps serving the other files.
describeWithPlane('testplane up and down', () => {
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-lifecycle-'));
    dirs.push(dir);
    return dir;
  };
  const quiet = () => {};
  afterAll(async () => {
    for (const dir of dirs) {
      await down(dir, quiet);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports its real Kubernetes version, not v0.0.0', async () => {
    const plane = requirePlane();
    const version = JSON.parse((await kubectl(['version', '-o', 'json'])).stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(version.serverVersion.gitVersion).toBe(plane.kubernetesVersion);
    expect(version.clientVersion.gitVersion).toBe(plane.kubernetesVersion);
    expect(plane.kubernetesVersion).toMatch(/^v1\.3[6-9]\.\d+$/);
  });

  it('stops every process it started, and restarts cleanly in a directory left by a crash', async () => {
    const binaries = await findCachedBinaries();
    if (!binaries) throw new Error('cached binaries expected while a plane runs');
    const dir = await newDir();

    const first = await up(dir, binaries, quiet);
    await expect(up(dir, binaries, quiet)).rejects.toThrow(/already running/);

    // Simulate a crash: kill everything without letting down() clean the state.
    for (const proc of first.processes) process.kill(proc.pid, 'SIGKILL');
    await expect.poll(() => first.processes.filter(isRunning).length).toBe(0);

    const lines: string[] = [];
    const second: PlaneState = await up(dir, binaries, (line) => lines.push(line));
    expect(lines.join('\n')).toContain('did not shut down cleanly');
    expect(second.processes.every(isRunning)).toBe(true);

    await down(dir, quiet);
    expect(second.processes.filter(isRunning)).toEqual([]);
  });

  it('refuses a directory that holds files it did not create', async () => {
    const binaries = await findCachedBinaries();
    if (!binaries) throw new Error('cached binaries expected while a plane runs');
    const dir = await newDir();
    await writeFile(join(dir, 'thesis.tex'), 'precious');
    await expect(up(dir, binaries, quiet)).rejects.toThrow(PlaneError);
    await expect(up(dir, binaries, quiet)).rejects.toThrow(/thesis\.tex/);
  });
});
