import type { CommandIO } from './commands/io.js';
import { writeLine } from './commands/io.js';
import type { GlobalOptions } from './commands/command-module.js';
import { createLabServices } from './state/lab-services.js';
import { runTui } from './ui/run.js';

/**
 * The TUI's entry. `npm run build` bundles it (with ink and everything it
 * needs but the Kubernetes client) into dist/tui.js: one file instead of
 * ~1,500 modules, which is what makes the first frame fast (ink alone pulls
 * in 1,300 files of es-toolkit for one function). It sits at the top of
 * src/ so the bundle keeps the same depth as the files it replaces (paths.ts
 * and version.ts locate the package from their own URL).
 */
export async function startTui(options: GlobalOptions, io: CommandIO): Promise<void> {
  const warnings: string[] = [];
  const services = createLabServices({
    selection: { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}) },
    env: io.env,
    ...(options.imageMap ? { imageMap: options.imageMap } : {}),
    warn: (message) => warnings.push(message),
  });
  const { exitMessage } = await runTui({ services, color: options.color && !io.env.NO_COLOR });
  // Warnings (e.g. a progress file set aside) would be lost in the alternate screen: print them after.
  for (const warning of warnings) writeLine(io.stderr, io.color.yellow(`warning: ${warning}`));
  if (exitMessage) writeLine(io.stderr, io.color.yellow(exitMessage));
}
