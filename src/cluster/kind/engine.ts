import type { Runner } from '../runner.js';
import { CommandNotFoundError } from '../runner.js';
import { explainEngineOutput, type EngineProblem } from './errors.js';

import type { ContainerEngine } from '../../names.js';

export { containerEngines, type ContainerEngine } from '../../names.js';

export type EngineStatus =
  | { state: 'running'; version: string; memoryBytes?: number; cpus?: number; rootDir?: string }
  | { state: 'missing' }
  | { state: 'unreachable'; problem: EngineProblem };

/** --provider wins; otherwise kind's own switch, KIND_EXPERIMENTAL_PROVIDER=podman; otherwise Docker. */
export function selectEngine(requested: ContainerEngine | undefined, env: NodeJS.ProcessEnv): ContainerEngine {
  return requested ?? (env.KIND_EXPERIMENTAL_PROVIDER === 'podman' ? 'podman' : 'docker');
}

/**
 * The variables kind needs for the engine: KIND_EXPERIMENTAL_PROVIDER=podman
 * selects its podman backend; for Docker it is set only to override a value
 * the user already has, so the printed commands stay plain.
 */
export function kindEngineVariables(engine: ContainerEngine, env: NodeJS.ProcessEnv): Record<string, string> {
  if (engine === 'podman') return { KIND_EXPERIMENTAL_PROVIDER: 'podman' };
  return env.KIND_EXPERIMENTAL_PROVIDER ? { KIND_EXPERIMENTAL_PROVIDER: 'docker' } : {};
}

/** Asks the engine itself (`docker info` / `podman info`) whether it is installed and reachable. */
export async function engineStatus(runner: Runner, engine: ContainerEngine, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, timeoutMs = 10_000): Promise<EngineStatus> {
  const args = engine === 'docker' ? ['info', '--format', '{{json .}}'] : ['info', '--format', 'json'];
  let result;
  try {
    result = await runner(engine, args, { env, timeoutMs });
  } catch (error) {
    if (error instanceof CommandNotFoundError) return { state: 'missing' };
    throw error;
  }
  const info = parseInfo(engine, result.stdout);
  const output = `${result.stderr}\n${info?.serverErrors.join('\n') ?? ''}`;
  if (result.exitCode !== 0 || !info?.version) {
    return { state: 'unreachable', problem: explainEngineOutput(engine, output, platform) ?? unknownProblem(engine, output, result.exitCode) };
  }
  return { state: 'running', version: info.version, ...definedOnly({ memoryBytes: info.memoryBytes, cpus: info.cpus, rootDir: info.rootDir }) };
}

interface EngineInfo {
  version: string | undefined;
  memoryBytes: number | undefined;
  cpus: number | undefined;
  rootDir: string | undefined;
  serverErrors: string[];
}

function parseInfo(engine: ContainerEngine, stdout: string): EngineInfo | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const field = (path: string): unknown => path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], json);
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const number = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);
  if (engine === 'docker') {
    return {
      version: text(field('ServerVersion')),
      memoryBytes: number(field('MemTotal')),
      cpus: number(field('NCPU')),
      rootDir: text(field('DockerRootDir')),
      serverErrors: Array.isArray(json.ServerErrors) ? json.ServerErrors.map(String) : [],
    };
  }
  return {
    version: text(field('version.Version')),
    memoryBytes: number(field('host.memTotal')),
    cpus: number(field('host.cpus')),
    rootDir: text(field('store.graphRoot')),
    serverErrors: [],
  };
}

function unknownProblem(engine: ContainerEngine, output: string, exitCode: number): EngineProblem {
  const firstLine = output.trim().split('\n')[0] || `exit code ${exitCode}`;
  return { kind: 'engine-unavailable', message: `\`${engine} info\` failed: ${firstLine}`, fix: `check that ${engine} works with \`${engine} info\`` };
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
