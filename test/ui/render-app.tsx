import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import { createLabStore, type LabStore } from '../../src/state/store.js';
import { ScriptedServices } from '../state/scripted-services.js';

/** Terminal key sequences as ink reads them. */
export const keys = {
  enter: '\r',
  escape: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  pageDown: '\u001B[6~',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

/** ink 6 with React 19 needs a tick after the first render and after each write before frames are current. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

export interface RenderedApp {
  store: LabStore;
  services: ScriptedServices;
  frame(): string;
  press(...inputs: string[]): Promise<void>;
  /** Waits until the frame contains `text` (ink renders asynchronously), failing with the last frame. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  unmount(): void;
}

/** Renders the whole TUI on scripted services at a given terminal size, initialised and ready for keys. */
export async function renderApp(options: { services?: ScriptedServices; size?: { columns: number; rows: number } } = {}): Promise<RenderedApp> {
  const services = options.services ?? new ScriptedServices();
  const store = createLabStore(services, options.size ?? { columns: 100, rows: 30 });
  await store.getState().init();
  const instance = render(<App store={store} services={services} color={false} />);
  await tick();
  const frame = () => instance.lastFrame() ?? '';
  return {
    store,
    services,
    frame,
    async press(...inputs) {
      for (const input of inputs) {
        instance.stdin.write(input);
        await tick();
      }
    },
    async waitFor(text, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)} in frame:\n${current}`);
        await tick();
      }
    },
    unmount: () => instance.unmount(),
  };
}
