import type { CommandIO } from '../commands/io.js';
import type { GlobalOptions } from '../commands/command-module.js';

/**
 * Opens the TUI for `k8s-sec-lab` on a terminal. ink and chalk decide how to
 * draw when first imported: NO_COLOR / --no-color is applied before that, and
 * CI is hidden meanwhile, since ink draws only the last frame when it sees CI
 * and this runs only on a real terminal. The learner's shell still gets CI.
 */
export async function openTui(options: GlobalOptions, io: CommandIO): Promise<void> {
  if (!options.color || io.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  const ci = process.env.CI;
  delete process.env.CI;
  let entry: typeof import('../tui.js');
  try {
    entry = await import('../tui.js');
  } finally {
    if (ci !== undefined) process.env.CI = ci;
  }
  await entry.startTui(options, io);
}
