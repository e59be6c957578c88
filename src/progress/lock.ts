import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LabError } from '../errors.js';

export interface LockOptions {
  /** How long to wait for another process to let go before giving up. */
  waitMs?: number;
  /** A lock this old is left over from a crash, whoever wrote it (its owner holds it for milliseconds). */
  staleMs?: number;
}

/**
 * Runs `body` while holding `lockFile`, created exclusively (O_EXCL), so two
 * processes (the TUI and `check` in another terminal) take turns at a
 * read-change-write. A lock whose owner died (same host, pid gone) or that
 * is older than `staleMs` is broken; otherwise this waits, then gives up
 * with the owner's pid and the fix.
 */
export async function withFileLock<T>(lockFile: string, body: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const owner = `${process.pid} ${hostname()} ${randomBytes(6).toString('hex')}\n`;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockFile, owner)) break;
    const held = await readOwner(lockFile);
    if (held && isStale(held, staleMs)) {
      // Only the lock that was judged stale is removed, not one another process took meanwhile.
      if ((await readOwner(lockFile))?.text === held.text) await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new LabError(`${lockFile} is held by process ${held?.pid ?? '?'} and was not released within ${waitMs / 1000}s`, {
        fix: `if no other k8s-sec-lab is running, delete ${lockFile}`,
      });
    }
    await sleep(Math.min(50, 2 + attempt) * (0.5 + Math.random()));
  }
  try {
    return await body();
  } finally {
    if ((await readOwner(lockFile))?.text === owner) await unlink(lockFile).catch(() => undefined);
  }
}

async function tryCreate(lockFile: string, owner: string): Promise<boolean> {
  try {
    const handle = await open(lockFile, 'wx');
    try {
      await handle.writeFile(owner);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

interface LockOwner {
  text: string;
  pid: number;
  host: string;
  ageMs: number;
}

/** The lock's owner line, or undefined when it is gone (or still being written: its content is checked again). */
async function readOwner(lockFile: string): Promise<LockOwner | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    const [pid, host] = text.split(' ');
    return { text, pid: Number(pid), host: host ?? '', ageMs: Date.now() - info.mtimeMs };
  } catch {
    return undefined;
  }
}

function isStale(owner: LockOwner, staleMs: number): boolean {
  if (owner.ageMs > staleMs) return true;
  // A half-written lock (its owner is between open and write) is young: wait for it.
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || owner.host !== hostname()) return false;
  return !processAlive(owner.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
