import type { Command } from 'commander';
import { LabError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import type { GlobalOptions } from '../program.js';
import type { CommandIO } from './io.js';

/** The global flags as seen from any subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Connects to the cluster named by --kubeconfig/--context (client-node is loaded only here). */
export async function connectCluster(command: Command, io: CommandIO): Promise<KubeClient> {
  const options = globalOptions(command);
  const [{ loadKubeAccess }, { KubeClient }] = await Promise.all([import('../kube/config.js'), import('../kube/client.js')]);
  const access = await loadKubeAccess({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    env: io.env,
  });
  return new KubeClient(access);
}

/**
 * Asks before a consequential action. `--yes` answers for the user; without
 * a terminal there is no one to ask, so the command refuses instead of
 * waiting on stdin forever.
 */
export async function confirm(io: CommandIO, question: string, options: { yes?: boolean }): Promise<void> {
  if (options.yes) return;
  if (!io.interactive) {
    throw new LabError(`${question} — this needs a confirmation and there is no terminal to ask`, { fix: 'rerun with --yes to confirm' });
  }
  const answer = (await io.prompt(`${question} [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new LabError('cancelled; nothing was changed', { exitCode: 1 });
}
