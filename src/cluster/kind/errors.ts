import { LabError } from '../../errors.js';
import type { RunResult } from '../runner.js';
import type { ContainerEngine } from '../../names.js';

/** A container-engine problem recognised in kind's or the engine's own output. */
export interface EngineProblem {
  kind: 'engine-unavailable' | 'engine-missing' | 'port-in-use';
  message: string;
  fix: string;
}

/** Why a kind command failed: only `failed` (kind itself, midway) is worth a delete-and-retry. */
export type KindFailureReason = EngineProblem['kind'] | 'failed';

export class KindCommandError extends LabError {
  constructor(
    message: string,
    readonly reason: KindFailureReason,
    options: { fix: string },
  ) {
    super(message, options);
  }
}

const engineNames: Record<ContainerEngine, string> = { docker: 'Docker', podman: 'Podman' };

/** Recognises the engine's well-known failure messages and says how to fix each on this platform. */
export function explainEngineOutput(engine: ContainerEngine, output: string, platform: NodeJS.Platform): EngineProblem | undefined {
  const name = engineNames[engine];
  const quote = (pattern: RegExp) => pattern.exec(output)?.[0].trim();

  const missing = quote(/exec: "(docker|podman)": executable file not found[^\n"]*/);
  if (missing) return { kind: 'engine-missing', message: `${name} is not installed (${missing})`, fix: installEngineFix(engine, platform) };

  const denied = quote(/permission denied while trying to connect to the (Docker daemon|docker API)[^\n"]*/i);
  if (denied) {
    return {
      kind: 'engine-unavailable',
      message: `you may not use Docker: ${denied}`,
      fix: 'add yourself to the docker group with `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`); check with `docker info`',
    };
  }

  const down = quote(/Cannot connect to the Docker daemon[^\n"]*/) ?? quote(/Cannot connect to Podman\.?/) ?? quote(/error during connect:[^\n"]*/);
  if (down) return { kind: 'engine-unavailable', message: `${name} is not running (${down})`, fix: startEngineFix(engine, platform) };

  const port = /Bind for ([\d.]+:\d+) failed: port is already allocated|listen tcp ([\d.]+:\d+): bind: address already in use/.exec(output);
  if (port) {
    const address = port[1] ?? port[2] ?? '';
    const number = address.split(':').pop();
    return {
      kind: 'port-in-use',
      message: `port ${address} on this machine is already in use, so the lab cluster cannot publish it`,
      fix: `stop the program that listens there (find it with \`lsof -nP -iTCP:${number} -sTCP:LISTEN\`; another kind cluster shows in \`kind get clusters\`), then retry`,
    };
  }
  return undefined;
}

/** Turns a failed kind command into one paragraph: what failed, kind's own reason, and the fix. */
export function kindFailure(
  commandLine: string,
  result: RunResult,
  context: { engine: ContainerEngine; platform: NodeJS.Platform; logFile?: string },
): KindCommandError {
  const output = `${result.stderr}\n${result.stdout}`;
  const problem = explainEngineOutput(context.engine, output, context.platform);
  if (problem) return new KindCommandError(`\`${commandLine}\` failed: ${problem.message}`, problem.kind, { fix: problem.fix });
  const reason = /^ERROR: (.+)$/m.exec(output)?.[1] ?? (output.trim().split('\n').pop() || `exit code ${result.exitCode}`);
  const log = context.logFile ? `kind's full output is in ${context.logFile}` : `rerun \`${commandLine}\` to see kind's full output`;
  return new KindCommandError(`\`${commandLine}\` failed: ${reason}`, 'failed', { fix: log });
}

function startEngineFix(engine: ContainerEngine, platform: NodeJS.Platform): string {
  if (engine === 'podman') {
    return platform === 'linux'
      ? 'start Podman\'s API service with `systemctl --user start podman.socket`, then check with `podman info`'
      : 'start the Podman machine with `podman machine start` (the first time: `podman machine init`), then check with `podman info`';
  }
  if (platform === 'darwin') return 'start Docker Desktop (`open -a Docker`) and wait until it reports that it is running, then check with `docker info`';
  if (platform === 'win32') return 'start Docker Desktop and wait until it reports that it is running, then check with `docker info`';
  return 'start the Docker daemon with `sudo systemctl start docker` (Docker Desktop for Linux: start Docker Desktop), then check with `docker info`';
}

export function installEngineFix(engine: ContainerEngine, platform: NodeJS.Platform): string {
  if (engine === 'podman') {
    if (platform === 'darwin') return 'install Podman with `brew install podman`, then `podman machine init && podman machine start`';
    if (platform === 'win32') return 'install Podman with `winget install RedHat.Podman`, then `podman machine init && podman machine start`';
    return 'install Podman with your package manager, e.g. `sudo apt-get install podman` or `sudo dnf install podman`';
  }
  if (platform === 'darwin') return 'install Docker Desktop with `brew install --cask docker` (or from https://docs.docker.com/desktop/), then start it';
  if (platform === 'win32') return 'install Docker Desktop with `winget install Docker.DockerDesktop`, then start it';
  return 'install Docker Engine (https://docs.docker.com/engine/install/, e.g. `sudo apt-get install docker.io`), then `sudo systemctl start docker`';
}
