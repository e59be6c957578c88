import { LabError } from '../../errors.js';
import { formatCommand, type ClusterProvider, type PrintableCommand } from '../provider.js';
import { execaRunner, type RunOptions, type Runner } from '../runner.js';
import { engineStatus, kindEngineVariables, type ContainerEngine } from './engine.js';
import { installEngineFix, KindCommandError, kindFailure } from './errors.js';
import type { KindBinary } from './locate.js';

export interface KindProviderOptions {
  kind: KindBinary;
  engine: ContainerEngine;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** kind's output is appended here; failures point at it. */
  logFile?: string;
}

/** The one place a KindProvider is made: the real runner and platform unless a test substitutes them. */
export function kindProviderFor(
  kind: KindBinary,
  engine: ContainerEngine,
  env: NodeJS.ProcessEnv,
  options: { runner?: Runner; platform?: NodeJS.Platform; logFile?: string } = {},
): KindProvider {
  return new KindProvider({ kind, engine, env, runner: options.runner ?? execaRunner, platform: options.platform ?? process.platform, ...(options.logFile ? { logFile: options.logFile } : {}) });
}

function missingImageFix(engine: ContainerEngine, image: string): string {
  return `pull or build it first (\`${engine} pull ${image}\`; the lab's stand-ins come from \`npm run kindnode:build\`), or map it to an image you have with --image-map`;
}

/** kind prints this on stderr, with exit code 0, when there are no clusters. */
const noClusters = 'No kind clusters found.';

/** The lab's cluster provider: the kind CLI on Docker or Podman. */
export class KindProvider implements ClusterProvider {
  constructor(private readonly options: KindProviderOptions) {}

  describe(): string {
    return `kind ${this.options.kind.version ?? '(unknown version)'} on ${this.options.engine}`;
  }

  async isAvailable(): Promise<{ available: true; detail: string } | { available: false; error: Error }> {
    const { runner, engine, env, platform } = this.options;
    const status = await engineStatus(runner, engine, env, platform);
    if (status.state === 'running') return { available: true, detail: `${this.describe()} ${status.version}` };
    if (status.state === 'missing') {
      return { available: false, error: new LabError(`${engine} is not installed (not on PATH)`, { fix: installEngineFix(engine, platform) }) };
    }
    return { available: false, error: new LabError(status.problem.message, { fix: status.problem.fix }) };
  }

  async create(name: string, options: { configFile: string; signal?: AbortSignal }): Promise<void> {
    await this.run(this.command(['create', 'cluster', '--name', name, '--config', options.configFile]), options.signal ? { signal: options.signal } : {});
  }

  async delete(name: string): Promise<void> {
    await this.run(this.command(['delete', 'cluster', '--name', name]), { timeoutMs: 180_000 });
  }

  async list(): Promise<string[]> {
    const { stdout } = await this.run(this.command(['get', 'clusters']), { timeoutMs: 30_000 });
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && line !== noClusters);
  }

  async kubeconfig(name: string): Promise<string> {
    const { stdout } = await this.run(this.command(['get', 'kubeconfig', '--name', name]), { timeoutMs: 30_000 });
    return stdout;
  }

  async nodeImage(name: string): Promise<string | undefined> {
    const { runner, engine, env } = this.options;
    // kind names the control-plane container <cluster>-control-plane; .Config.Image is the reference it was created from.
    const result = await runner(engine, ['inspect', '--format', '{{.Config.Image}}', `${name}-control-plane`], { env, timeoutMs: 30_000 });
    const image = result.stdout.trim();
    return result.exitCode === 0 && image !== '' ? image : undefined;
  }

  loadImageCommand(name: string, image: string): PrintableCommand {
    return this.command(['load', 'docker-image', image, '--name', name]);
  }

  async loadImage(name: string, image: string): Promise<void> {
    const command = this.loadImageCommand(name, image);
    try {
      await this.run(command, { timeoutMs: 600_000 });
    } catch (error) {
      // kind's words when the engine lacks the image: `ERROR: image: "x" not present locally`.
      if (!(error instanceof KindCommandError && /not present locally/.test(error.message))) throw error;
      const { engine } = this.options;
      throw new LabError(`${engine} on this machine has no image ${image}, so \`${formatCommand(command)}\` cannot load it`, { fix: missingImageFix(engine, image), cause: error });
    }
  }

  /** The exact command the lab runs, printable as `kind ...` when kind came from PATH. */
  command(args: string[]): PrintableCommand {
    const { kind, engine, env } = this.options;
    return { env: kindEngineVariables(engine, env), file: kind.source === 'path' ? 'kind' : kind.path, args };
  }

  private async run(command: PrintableCommand, options: RunOptions) {
    const { kind, runner, env, engine, platform, logFile } = this.options;
    const result = await runner(kind.path, command.args, { ...options, env: { ...env, ...command.env }, ...(logFile ? { logFile } : {}) });
    if (result.exitCode !== 0) throw kindFailure(formatCommand(command), result, { engine, platform, ...(logFile ? { logFile } : {}) });
    return result;
  }
}
