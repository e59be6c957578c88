import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { LabError } from '../errors.js';

const resultStatus = z.enum(['pass', 'fail', 'error']);

const scenarioProgressSchema = z.object({
  /** The latest `start` or `reset`: the learner's current attempt began here. */
  startedAt: z.string().optional(),
  /** First pass by the learner's own fix. Never set by `solve`. */
  completedAt: z.string().optional(),
  /** The latest `solve`; a pass after it (and before the next start) is not a completion. */
  solutionAppliedAt: z.string().optional(),
  attempts: z.number().int().nonnegative().default(0),
  /** Hint rungs revealed so far, per check id (1 = nudge, 2 = concept, 3 = command). */
  hintsRevealed: z.record(z.string(), z.number().int().min(1).max(3)).default({}),
  lastResult: z.object({ at: z.string(), status: resultStatus }).optional(),
});

const progressSchema = z.object({
  version: z.literal(1),
  scenarios: z.record(z.string(), scenarioProgressSchema).default({}),
});

export type ScenarioProgress = z.infer<typeof scenarioProgressSchema>;
export type Progress = z.infer<typeof progressSchema>;

/** Where progress lives: $K8S_SEC_LAB_HOME, else the platform's data directory (XDG on Linux). */
export function progressPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.K8S_SEC_LAB_HOME || envPaths('k8s-sec-lab', { suffix: '' }).data;
  return join(home, 'progress.json');
}

export function emptyProgress(): Progress {
  return { version: 1, scenarios: {} };
}

export function scenarioProgress(progress: Progress, id: string): ScenarioProgress {
  return progress.scenarios[id] ?? { attempts: 0, hintsRevealed: {} };
}

/**
 * A versioned JSON file, written atomically (temp file + rename) so a crash
 * never leaves half a file. A corrupt file is moved aside to .bak with a
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
    const parsed = progressSchema.safeParse(json);
    return parsed.success ? parsed.data : this.setAside('its content does not match the progress format');
  }

  /** Loads, applies `change`, saves atomically, and returns the saved progress. */
  async update(change: (progress: Progress) => void): Promise<Progress> {
    const progress = await this.load();
    change(progress);
    await this.save(progress);
    return progress;
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
    await mkdir(dirname(this.path), { recursive: true });
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
