import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const cliPath = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

/** The e2e run's lab: its environment (lab home, HOME, kubeconfig, PATH with kind and kubectl) and the images it runs. */
export interface KindLab {
  home: string;
  kubeconfig: string;
  nodeImage: string;
  imageMap: string;
  env: Record<string, string>;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, for failure messages. */
  all: string;
}

/** `k8s-sec-lab <args>` as the learner runs it: the built CLI, in the lab's environment only. */
export async function labCli(lab: KindLab, args: string[], options: { input?: string; timeoutMs?: number; echo?: boolean } = {}): Promise<RunResult> {
  const running = execa('node', [cliPath, ...args], {
    env: lab.env,
    extendEnv: false,
    reject: false,
    all: true,
    timeout: options.timeoutMs ?? 600_000,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  // Long commands (up) show their progress lines as they come.
  if (options.echo) running.all?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const result = await running;
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, all: result.all ?? '' };
}

/** A shell command as the learner types it (kubectl, pipes, here-documents), in the lab's environment. */
export async function shell(lab: KindLab, command: string, options: { timeoutMs?: number } = {}): Promise<RunResult> {
  const result = await execa('sh', ['-c', command], { env: lab.env, extendEnv: false, reject: false, all: true, timeout: options.timeoutMs ?? 180_000 });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, all: result.all ?? '' };
}
