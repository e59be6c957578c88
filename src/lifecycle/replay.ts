import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Scenario } from '../catalogue/load.js';
import type { ReplayStep } from '../catalogue/schema.js';
import { KubeClient } from '../kube/client.js';
import { kubeconfigText, loadKubeAccess } from '../kube/config.js';
import { labClientIdentity } from '../names.js';
import { plantedFlagValues } from './flags.js';

export type ReplayNeed = ReplayStep['needs'];

/** One replayed step: what ran, what came back, and whether it did what the briefing says. */
export interface ReplayStepResult {
  index: number;
  run: string;
  needs: ReplayNeed;
  /** Undefined when the command never finished (timeout) or could not start. */
  exitCode: number | undefined;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The flag this step must reveal, and whether its output held this run's planted value. */
  flag?: { id: string; revealed: boolean };
  /** Empty when the step did what it should. */
  problems: string[];
}

export interface ReplayResult {
  scenario: string;
  steps: ReplayStepResult[];
  ok: boolean;
}

export interface ReplayOptions {
  /** Which steps to run: the test plane runs `api`, a kind cluster both. */
  needs: readonly ReplayNeed[];
  /** Per step; a step that takes longer is killed and reported. */
  timeoutMs?: number;
  /** The environment the commands see (PATH must find kubectl); KUBECONFIG is always the target's. */
  env?: NodeJS.ProcessEnv;
}

/** Where to replay: the lab cluster's kubeconfig file, or a client on it (its context is written to a private kubeconfig for the commands). */
export type ReplayTarget = { kubeconfig: string } | { client: KubeClient };

const defaultStepTimeoutMs = 60_000;

/**
 * Replays a scenario's attack (attack.replay in scenario.yaml) against a
 * started scenario: each selected step runs in `sh -c` exactly as the briefing
 * shows it, with KUBECONFIG pointing at the lab cluster, and is judged by its
 * exit code, its expected output and, where it reveals a flag, by whether its
 * output holds the value `start` planted. Steps run in order and all run, so a
 * caller sees every broken step at once.
 */
export async function replayAttack(target: ReplayTarget, scenario: Pick<Scenario, 'id' | 'flags' | 'attack'>, options: ReplayOptions): Promise<ReplayResult> {
  const ownClient = 'kubeconfig' in target;
  const client = ownClient ? new KubeClient(await loadKubeAccess({ kubeconfig: target.kubeconfig }), labClientIdentity) : target.client;
  let dir: string | undefined;
  try {
    const planted = await plantedFlagValues(client, scenario);
    let kubeconfig: string;
    if (ownClient) kubeconfig = target.kubeconfig;
    else {
      dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-replay-'));
      kubeconfig = join(dir, 'kubeconfig');
      await writeFile(kubeconfig, await kubeconfigText(client.access), { mode: 0o600 });
    }
    const steps: ReplayStepResult[] = [];
    for (const [index, step] of (scenario.attack?.replay ?? []).entries()) {
      if (!options.needs.includes(step.needs)) continue;
      steps.push(await replayStep(index, step, kubeconfig, planted, options));
    }
    return { scenario: scenario.id, steps, ok: steps.every((step) => step.problems.length === 0) };
  } finally {
    if (ownClient) client.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

async function replayStep(index: number, step: ReplayStep, kubeconfig: string, planted: ReadonlyMap<string, string>, options: ReplayOptions): Promise<ReplayStepResult> {
  const result = await execa('sh', ['-c', step.run], {
    env: { ...(options.env ?? process.env), KUBECONFIG: kubeconfig },
    extendEnv: false,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? defaultStepTimeoutMs,
    reject: false,
    all: false,
  });
  const stdout = String(result.stdout ?? '');
  const outcome: ReplayStepResult = {
    index,
    run: step.run,
    needs: step.needs,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    stdout,
    stderr: String(result.stderr ?? ''),
    problems: judgeStep(step, { exitCode: result.exitCode, timedOut: result.timedOut, stdout }, planted),
  };
  if (step.revealsFlag !== undefined) {
    const value = planted.get(step.revealsFlag);
    outcome.flag = { id: step.revealsFlag, revealed: value !== undefined && stdout.includes(value) };
  }
  return outcome;
}

/** What is wrong with a finished step (pure, so the rules are unit tested). */
export function judgeStep(step: ReplayStep, ran: { exitCode: number | undefined; timedOut: boolean; stdout: string }, planted: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  if (ran.timedOut) problems.push('timed out');
  else if (ran.exitCode !== step.expect.exitCode) problems.push(`exit code ${ran.exitCode ?? 'none'}, expected ${step.expect.exitCode}`);
  if (step.expect.stdoutContains !== undefined && !ran.stdout.includes(step.expect.stdoutContains)) {
    problems.push(`stdout lacks "${step.expect.stdoutContains}"`);
  }
  if (step.revealsFlag !== undefined) {
    const value = planted.get(step.revealsFlag);
    if (value === undefined) problems.push(`flag ${step.revealsFlag} is not planted (start the scenario first)`);
    else if (!ran.stdout.includes(value)) problems.push(`stdout lacks this run's flag ${step.revealsFlag}`);
  }
  return problems;
}
