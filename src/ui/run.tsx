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
export async function runTui(options: TuiOptions): Promise<void> {
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
}

/** The learner's own shell, with KUBECONFIG and the scenario's namespace set; the TUI returns when it exits. */
async function runShell(store: LabStore, services: LabServices): Promise<void> {
  const scenario = openScenarioOf(store.getState());
  try {
    if (!scenario) return;
    const env = await services.shellEnvironment(scenario);
    const shell = process.env.SHELL || '/bin/sh';
    process.stdout.write(`k8s-sec-lab: a shell for ${scenario.id} (namespace ${scenario.namespaces[0]}). Type exit to return to the lab.\n`);
    spawnSync(shell, [], { stdio: 'inherit', env });
  } finally {
    store.getState().shellDone();
  }
}
