import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { findCachedBinaries } from '../../../tools/testplane/build.js';
import { down, up, type PlaneState } from '../../../tools/testplane/plane.js';

/**
 * A control plane for one test file alone, for tests that mark the cluster
 * or read its audit log: on the shared plane other files would race them.
 * Call inside describeWithPlane (the shared plane's setup built the binaries).
 */
export function usePrivatePlane(): { readonly state: PlaneState } {
  const handle: { state?: PlaneState; dir?: string } = {};
  const quiet = () => {};
  beforeAll(async () => {
    const binaries = await findCachedBinaries();
    if (!binaries) throw new Error('cached test plane binaries expected while the shared plane runs');
    handle.dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-private-plane-'));
    handle.state = await up(handle.dir, binaries, quiet);
  });
  afterAll(async () => {
    if (!handle.dir) return;
    await down(handle.dir, quiet);
    await rm(handle.dir, { recursive: true, force: true });
  });
  return {
    get state() {
      if (!handle.state) throw new Error('the private plane is not running');
      return handle.state;
    },
  };
}
