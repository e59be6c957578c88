import type { CommandIO } from '../commands/io.js';
import type { GlobalOptions } from '../program.js';

/**
 * Opens the TUI for `k8s-sec-lab` on a terminal. ink and chalk read the color
 * level when first imported, so NO_COLOR / --no-color is applied before that.
 */
export async function openTui(options: GlobalOptions, io: CommandIO): Promise<void> {
  if (!options.color || io.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  const { startTui } = await import('../tui.js');
  await startTui(options, io);
}
