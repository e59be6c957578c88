import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlaneError, readPlaneState, up } from '../../../tools/testplane/plane.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('testplane up (without the real binaries)', () => {
  it('fails fast with the log tail of a component that exits early, leaving nothing running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plane-fail-'));
    dirs.push(dir);
    const started = Date.now();
    const failure = await up(dir, { testplane: '/bin/false', kwok: '/bin/false', kubernetesVersion: 'v1.36.3' }, () => {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PlaneError);
    expect((failure as Error).message).toMatch(/^etcd exited early; last lines of .*logs\/etcd\.log:/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await readPlaneState(dir)).toBeUndefined();
    expect(await readdir(join(dir, 'logs'))).toContain('etcd.log');
  });
});
