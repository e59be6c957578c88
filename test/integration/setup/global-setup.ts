import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildBinaries, findCachedBinaries, goVersion } from '../../../tools/testplane/build.js';
import { startWatchdog } from '../../../tools/testplane/owner.js';
import { down, up, type PlaneState } from '../../../tools/testplane/plane.js';

/** What integration tests receive through `inject('plane')`. */
export type ProvidedPlane = { state: PlaneState } | { skipReason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    plane: ProvidedPlane;
  }
}

const log = (line: string) => process.stderr.write(`[testplane] ${line}\n`);

/**
 * Starts one control plane for the whole integration run and always stops it:
 * the returned teardown covers normal ends and failures, the watchdog covers
 * Ctrl-C and a killed runner. Without Go the integration tests are skipped
 * with one loud line, except under CI=true, where a missing plane fails.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = (await findCachedBinaries()) ?? ((await goVersion()) ? await buildBinaries(log) : undefined);
  if (!binaries) {
    const reason = 'Go is not installed, so the test control plane cannot be built';
    if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires the integration tests to run`);
    process.stderr.write(`\n!!! SKIPPING INTEGRATION TESTS: ${reason} (install Go 1.26+ and rerun npm test) !!!\n\n`);
    project.provide('plane', { skipReason: reason });
    return async () => {};
  }

  const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-plane-'));
  const state = await up(dir, binaries, log);
  startWatchdog(dir, process.pid, { removeDir: true });
  project.provide('plane', { state });
  return async () => {
    await down(dir, log);
    await rm(dir, { recursive: true, force: true });
  };
}
