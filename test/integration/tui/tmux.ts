import { execa } from 'execa';

/** A real terminal: a detached tmux session running one command, read with capture-pane. */
export class TmuxSession {
  private constructor(readonly name: string) {}

  static async available(): Promise<boolean> {
    return execa('tmux', ['-V'], { reject: false }).then((result) => result.exitCode === 0, () => false);
  }

  static async start(name: string, command: string, options: { columns: number; rows: number; env: Record<string, string> }): Promise<TmuxSession> {
    // -L: a private tmux server, so the test never touches a user's sessions.
    const envArgs = Object.entries(options.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    await execa('tmux', ['-L', name, 'new-session', '-d', '-s', name, '-x', String(options.columns), '-y', String(options.rows), ...envArgs, command]);
    return new TmuxSession(name);
  }

  async screen(): Promise<string> {
    return (await execa('tmux', ['-L', this.name, 'capture-pane', '-p', '-t', this.name])).stdout;
  }

  async keys(...keys: string[]): Promise<void> {
    await execa('tmux', ['-L', this.name, 'send-keys', '-t', this.name, ...keys]);
  }

  /** A tmux format variable of the pane, e.g. alternate_on or pane_pid. */
  async paneValue(variable: string): Promise<string> {
    return (await execa('tmux', ['-L', this.name, 'display-message', '-p', '-t', this.name, `#{${variable}}`])).stdout.trim();
  }

  /** Polls the screen until it matches, returning the screen and how long it took. */
  async waitFor(pattern: string | RegExp, timeoutMs = 10_000): Promise<{ screen: string; ms: number }> {
    const started = performance.now();
    for (;;) {
      const screen = await this.screen();
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return { screen, ms: performance.now() - started };
      if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async kill(): Promise<void> {
    await execa('tmux', ['-L', this.name, 'kill-server'], { reject: false });
  }
}
