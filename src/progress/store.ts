import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabError } from '../errors.js';
import { labDataDir } from '../lab-dirs.js';
import type { FlagRecord } from './flags.js';
import { withFileLock } from './lock.js';

export interface ScenarioProgress {
  /** The latest `start` or `reset`: the learner's current attempt began here. */
  startedAt?: string;
  /** First pass by the learner's own fix. Never set by `solve`. */
  completedAt?: string;
  /** The latest `solve`; a pass after it (and before the next start) is not a completion. */
  solutionAppliedAt?: string;
  attempts: number;
  /** Hint rungs revealed so far, per check id (1 = nudge, 2 = concept, 3 = command). */
  hintsRevealed: Record<string, number>;
  lastResult?: { at: string; status: 'pass' | 'fail' | 'error' };
  /** This run's attack flags, by flag id (salted hashes only); reset replaces them. */
  flags?: Record<string, FlagRecord>;
  /** Submissions that matched no flag of the run. */
  wrongFlags?: number;
}

export interface Progress {
  version: 1;
  scenarios: Record<string, ScenarioProgress>;
}

/** Where progress lives: the lab's data directory. */
export function progressPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(labDataDir(env), 'progress.json');
}

export function emptyProgress(): Progress {
  return { version: 1, scenarios: {} };
}

export function scenarioProgress(progress: Progress, id: string): ScenarioProgress {
  return progress.scenarios[id] ?? { attempts: 0, hintsRevealed: {} };
}

/**
 * A versioned JSON file, written atomically (temp file + rename) so a crash
 * never leaves half a file, and updated under a lock so two processes never
 * lose each other's updates. A corrupt file is moved aside to .bak with a
 * warning and the lab carries on; a file from a newer lab is left untouched.
 */
export class ProgressStore {
  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void,
  ) {}

  async load(): Promise<Progress> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyProgress();
      throw new LabError(`cannot read progress file ${this.path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.setAside('it is not valid JSON');
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > 1) {
      throw new LabError(`progress file ${this.path} was written by a newer k8s-sec-lab (format ${version})`, {
        fix: 'upgrade k8s-sec-lab (npx k8s-sec-lab@latest), or set K8S_SEC_LAB_HOME to another directory',
      });
    }
    return isProgress(json) ? json : this.setAside('its content does not match the progress format');
  }

  /**
   * Loads, applies `change`, saves atomically, and returns the saved progress,
   * holding a lock beside the file: another process updating at the same
   * time (the TUI while `check` runs in another terminal) waits its turn and
   * then changes what this one saved, so no update is lost.
   */
  async update(change: (progress: Progress) => void): Promise<Progress> {
    await mkdir(dirname(this.path), { recursive: true });
    return withFileLock(`${this.path}.lock`, async () => {
      const progress = await this.load();
      change(progress);
      await this.save(progress);
      return progress;
    });
  }

  async updateScenario(id: string, change: (scenario: ScenarioProgress) => void): Promise<ScenarioProgress> {
    const progress = await this.update((all) => {
      const scenario = scenarioProgress(all, id);
      change(scenario);
      all.scenarios[id] = scenario;
    });
    return scenarioProgress(progress, id);
  }

  private async save(progress: Progress): Promise<void> {
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, `${JSON.stringify(progress, null, 2)}\n`);
    await rename(temp, this.path);
  }

  private async setAside(why: string): Promise<Progress> {
    const backup = `${this.path}.bak`;
    await rename(this.path, backup);
    this.warn(`progress file ${this.path} was unreadable (${why}); moved it to ${backup} and started afresh`);
    return emptyProgress();
  }
}

/*
 * The progress file is the lab's own small format, checked by hand: a schema
 * library here would add ~70 ms (and 225 modules) to every `list` and `status`.
 */
function isProgress(value: unknown): value is Progress {
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.scenarios)) return false;
  return Object.values(value.scenarios).every(isScenarioProgress);
}

function isScenarioProgress(value: unknown): value is ScenarioProgress {
  if (!isRecord(value)) return false;
  const timestamps = [value.startedAt, value.completedAt, value.solutionAppliedAt].every((at) => at === undefined || typeof at === 'string');
  const attempts = Number.isInteger(value.attempts) && (value.attempts as number) >= 0;
  const hints = isRecord(value.hintsRevealed) && Object.values(value.hintsRevealed).every((rungs) => Number.isInteger(rungs) && (rungs as number) >= 1 && (rungs as number) <= 3);
  const last = value.lastResult === undefined || (isRecord(value.lastResult) && typeof value.lastResult.at === 'string' && ['pass', 'fail', 'error'].includes(value.lastResult.status as string));
  const flags = value.flags === undefined || (isRecord(value.flags) && Object.values(value.flags).every((flag) => isRecord(flag) && typeof flag.salt === 'string' && typeof flag.hash === 'string'));
  const wrong = value.wrongFlags === undefined || (Number.isInteger(value.wrongFlags) && (value.wrongFlags as number) >= 0);
  return timestamps && attempts && hints && last && flags && wrong;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
