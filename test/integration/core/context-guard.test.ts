import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { markCluster } from '../../../src/cluster/guard.js';
import { findCachedBinaries } from '../../../tools/testplane/build.js';
import { down, up, type PlaneState } from '../../../tools/testplane/plane.js';
import { clientFor, labHarness, labWritesInAuditLog, type LabHarness } from '../setup/lab.js';
import { describeWithPlane } from '../setup/plane.js';

// This file starts a plane of its own: it must stay unmarked, and its API server is stopped at the end.
describeWithPlane('the context guard and a lost API server', () => {
  let plane: PlaneState;
  let dir: string;
  let lab: LabHarness;
  const quiet = () => {};

  beforeAll(async () => {
    const binaries = await findCachedBinaries();
    if (!binaries) throw new Error('cached binaries expected while a plane runs');
    dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-guard-'));
    plane = await up(dir, binaries, quiet);
    lab = await labHarness(plane.kubeconfig);
  });

  afterAll(async () => {
    await down(dir, quiet);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses every mutating command on an unmarked cluster and sends it no write request', async () => {
    const since = new Date();
    for (const args of [
      ['start', 'always-pass', '--yes'],
      ['reset', 'always-pass', '--yes'],
      ['solve', 'always-pass', '--yes'],
    ]) {
      const result = await lab.run(args);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('is not a lab cluster, so the lab will not change it');
      expect(result.stderr).toContain('k8s-sec-lab adopt --context');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await labWritesInAuditLog(plane.auditLog, since)).toEqual([]);
  });

  it('reports a lost API server as one line and exit code 2', async () => {
    const client = await clientFor(plane.kubeconfig);
    await markCluster(client, 'adopt');
    client.close();
    expect((await lab.run(['start', 'fixable', '--yes'])).exitCode).toBe(0);

    const apiserver = plane.processes.find((proc) => proc.name === 'kube-apiserver');
    process.kill(apiserver!.pid, 'SIGKILL');
    const result = await lab.run(['check', 'fixable']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/^fixable: ERROR: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+/);
  });
});
