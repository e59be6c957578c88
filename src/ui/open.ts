import type { CommandIO } from '../commands/io.js';
import { writeLine } from '../commands/io.js';
import type { GlobalOptions } from '../program.js';

/**
 * Opens the TUI for `k8s-sec-lab` on a terminal. ink and chalk read the color
 * level when first imported, so NO_COLOR / --no-color is applied before that.
 */
export async function openTui(options: GlobalOptions, io: CommandIO): Promise<void> {
  if (!options.color || io.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  const [{ runTui }, { createLabServices }] = await Promise.all([import('./run.js'), import('../state/lab-services.js')]);
  const warnings: string[] = [];
  const services = createLabServices({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    env: io.env,
    warn: (message) => warnings.push(message),
  });
  await runTui({ services, color: options.color && !io.env.NO_COLOR });
  // Warnings (e.g. a progress file set aside) would be lost in the alternate screen: print them after.
  for (const warning of warnings) writeLine(io.stderr, io.color.yellow(`warning: ${warning}`));
}
