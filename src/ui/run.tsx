import { spawnSync } from 'node:child_process';
import { render } from 'ink';
import type { LabServices } from '../state/services.js';
import { createLabStore, openScenarioOf, type LabStore } from '../state/store.js';
import { App } from './App.js';

/** Alternate screen buffer in and out, cursor shown again: what a full-screen program owes its terminal. */
const enterAlternateScreen = '\u001b[?1049h\u001b[H';
const leaveAlternateScreen = '\u001b[?1049l\u001b[?25h';

export interface TuiOptions {
  services: LabServices;
  color: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/**
 * Runs the TUI until the learner quits. The store outlives each ink render,
 * so handing the terminal to a shell (`t`) is: unmount, run the shell, render
 * again with the same state. Whatever happens, the terminal is restored and
 * every watch is stopped before this resolves.
 */
export async function runTui(options: TuiOptions): Promise<{ exitMessage?: string }> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const store = createLabStore(options.services, { columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const onResize = () => store.getState().setSize(stdout.columns, stdout.rows);
  const restore = () => stdout.write(leaveAlternateScreen);
  stdout.on('resize', onResize);
  process.once('exit', restore);
  void store.getState().init();
  try {
    for (;;) {
      stdout.write(enterAlternateScreen);
      const instance = render(<App store={store} services={options.services} color={options.color} />, {
        stdout,
        stdin,
        exitOnCtrlC: false,
        patchConsole: true,
        // Twice ink's default: a key press is drawn within one 16 ms frame.
        maxFps: 60,
      });
      await instance.waitUntilExit();
      restore();
      if (!store.getState().shellRequested) break;
      await runShell(store, options.services);
    }
  } finally {
    stdout.off('resize', onResize);
    process.off('exit', restore);
    restore();
    options.services.close();
  }
  const { exitMessage } = store.getState();
  return exitMessage ? { exitMessage } : {};
}

/**
 * The learner's own shell, with KUBECONFIG and the scenario's namespace set;
 * the TUI returns when it exits. A shell that cannot start (a $SHELL that does
 * not exist) or dies on a signal is reported on the scenario screen.
 */
async function runShell(store: LabStore, services: LabServices, spawnShell: typeof spawnSync = spawnSync): Promise<void> {
  const scenario = openScenarioOf(store.getState());
  let failure: string | undefined;
  try {
    if (!scenario) return;
    const env = await services.shellEnvironment(scenario);
    const shell = env.SHELL || '/bin/sh';
    process.stdout.write(`k8s-sec-lab: a shell for ${scenario.id} (namespace ${scenario.namespaces[0]}). Type exit to return to the lab.\n`);
    const result = spawnShell(shell, [], { stdio: 'inherit', env });
    failure = shellFailure(shell, result);
  } catch (error) {
    failure = `could not open a shell: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    store.getState().shellDone(failure);
  }
}

/** Why a shell hand-off failed, or undefined when the shell ran (whatever its last command's exit code). */
export function shellFailure(shell: string, result: { error?: Error; signal?: NodeJS.Signals | null }): string | undefined {
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const fix = code === 'ENOENT' ? ': set SHELL to a shell that exists, e.g. SHELL=/bin/bash' : '';
    return `could not start your shell ${shell} (${result.error.message})${fix}`;
  }
  if (result.signal) return `your shell ${shell} was ended by ${result.signal}`;
  return undefined;
}
