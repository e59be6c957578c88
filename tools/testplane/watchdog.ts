import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { planeLayout } from './components.js';
import { down } from './plane.js';

/**
 * Runs detached beside a plane and stops it when the process that owns the
 * plane (a test run) is gone, however it ended: failure, Ctrl-C or SIGKILL.
 * Exits by itself once the plane is stopped normally. With `--remove-dir` it
 * also deletes a temporary plane directory after stopping an abandoned plane.
 */
const [dir, ownerPid, removeFlag] = process.argv.slice(2);
if (!dir || !ownerPid) {
  process.stderr.write('usage: watchdog <plane dir> <owner pid> [--remove-dir]\n');
  process.exit(2);
}
const statePath = planeLayout(dir).state;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

while (existsSync(statePath) && alive(Number(ownerPid))) await sleep(500);
if (existsSync(statePath)) {
  await down(dir, (line) => process.stdout.write(`${line}\n`));
  if (removeFlag === '--remove-dir') await rm(dir, { recursive: true, force: true });
}
