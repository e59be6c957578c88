import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { planeLayout } from './components.js';
import { planeModuleDir } from './paths.js';

const repoRoot = join(planeModuleDir, '..', '..');

/** Starts the detached watchdog that stops the plane in `dir` once `ownerPid` exits. */
export function startWatchdog(dir: string, ownerPid: number, options: { removeDir?: boolean } = {}): void {
  const logFd = openSync(join(planeLayout(dir).logs, 'watchdog.log'), 'a');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(planeModuleDir, 'watchdog.ts'), dir, String(ownerPid), ...(options.removeDir ? ['--remove-dir'] : [])], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    child.unref();
  } finally {
    closeSync(logFd);
  }
}
