import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A background process of the plane, recorded so `down` can find it again. */
export interface RunningProcess {
  name: string;
  pid: number;
  /** The executable, checked before signalling so a recycled pid is never killed. */
  executable: string;
  log: string;
}

/**
 * Starts a process in its own session (so signals to the test runner's
 * terminal do not reach it and `down` can signal its whole group), with
 * stdout and stderr appended to `log`.
 */
export function startProcess(name: string, executable: string, args: string[], log: string, env?: NodeJS.ProcessEnv): RunningProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(executable, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${executable})`);
    child.unref();
    return { name, pid: child.pid, executable, log };
  } finally {
    closeSync(fd);
  }
}

/** True while the pid exists and still runs the recorded executable (not a zombie). */
export function isRunning(proc: Pick<RunningProcess, 'pid' | 'executable'>): boolean {
  try {
    if (readlinkSync(`/proc/${proc.pid}/exe`) !== proc.executable) return false;
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Resident memory of a process in bytes, or 0 when it is gone. */
export function residentBytes(pid: number): number {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * SIGTERM each process group, then SIGKILL what is still alive after `graceMs`.
 * The grace is short on purpose: the API server drains watches for many
 * seconds, and a throwaway test store has nothing worth a clean shutdown.
 */
export async function stopProcesses(processes: readonly RunningProcess[], graceMs = 2_000): Promise<void> {
  const alive = () => processes.filter(isRunning);
  for (const proc of alive()) signalGroup(proc.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < deadline) await sleep(100);
  for (const proc of alive()) signalGroup(proc.pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (alive().length > 0 && Date.now() < killDeadline) await sleep(50);
  const survivors = alive();
  if (survivors.length > 0) {
    throw new Error(`could not stop ${survivors.map((proc) => `${proc.name} (pid ${proc.pid})`).join(', ')}`);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** The last lines of a log, for error messages about a component that failed. */
export function logTail(log: string, lines = 25): string {
  try {
    return readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}
