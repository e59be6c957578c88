import { execa, ExecaError } from 'execa';

/** A `go build` or `go install` that Go rejected; the message is Go's own output. */
export class GoBuildError extends Error {
  override readonly name = 'GoBuildError';
}

export interface GoBuildOptions {
  /** What is being built, for progress lines and errors ("control plane", "containerd"). */
  label: string;
  cwd: string;
  /** Arguments after `go build -v` (or `go install -v`); the last one is the target. */
  args: string[];
  log: (line: string) => void;
  subcommand?: 'build' | 'install';
  /** Added to the environment (GOBIN, CGO_ENABLED, GOFLAGS, ...). */
  env?: NodeJS.ProcessEnv;
}

/** Runs `go build -v` / `go install -v`, reporting compiled packages every 15 s. */
export async function goBuild(options: GoBuildOptions): Promise<void> {
  const { label, cwd, args, log, subcommand = 'build', env } = options;
  // `go list` cannot resolve a path@version target: such builds report no total.
  const target = args.at(-1) ?? '.';
  const total = target.includes('@') ? 0 : await countPackages(cwd, target, env);
  const progress = new BuildProgress(label, total, log);
  const child = execa('go', [subcommand, '-v', ...args], { cwd, env, buffer: false });
  const goMessages: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      // `go build -v` prints one import path per compiled package; anything else is Go talking.
      if (/^[\w.\-~/]+$/.test(line.trim())) progress.packageDone();
      else goMessages.push(line);
    }
  });
  try {
    await child;
  } catch (error) {
    const detail = goMessages.length > 0 ? goMessages.slice(-40).join('\n') : error instanceof ExecaError ? error.shortMessage : String(error);
    throw new GoBuildError(`go ${subcommand} of the ${label} failed:\n${detail}`);
  } finally {
    progress.stop();
  }
}

async function countPackages(cwd: string, target: string, env?: NodeJS.ProcessEnv): Promise<number> {
  try {
    const { stdout } = await execa('go', ['list', '-deps', target], { cwd, env });
    return stdout.split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

/** Prints "N/M packages" at most every few seconds so long builds show life without flooding logs. */
class BuildProgress {
  private done = 0;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly log: (line: string) => void,
  ) {
    this.timer = setInterval(() => this.report(), 15_000);
  }

  packageDone(): void {
    this.done++;
  }

  stop(): void {
    clearInterval(this.timer);
    const cached = this.total - this.done;
    this.report(cached > 0 ? `; ${cached} more came from Go's build cache` : '');
  }

  private report(suffix = ''): void {
    const of = this.total > 0 ? ` of ${this.total}` : '';
    this.log(`${this.label}: compiled ${this.done}${of} packages in ${formatDuration(Date.now() - this.started)}${suffix}`);
  }
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
