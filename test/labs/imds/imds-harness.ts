/**
 * Runs the IMDS emulator (labs/addons/imds/server.py) as a child process for tests
 * and reads its JSON log, which is how a test sees the IP TTL a response left with.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { addonsDir } from '../../../tools/addons/code-configmap.js';

export const addonDir = join(addonsDir, 'imds/');
export const serverScript = join(addonDir, 'server.py');

/** What the scenario starts from; see labs/addons/imds/imds-settings.yaml. */
export const vulnerableSettings = {
  'http-tokens': 'optional',
  'http-put-response-hop-limit': '2',
  'http-endpoint': 'enabled',
} as const;

export type SettingName = keyof typeof vulnerableSettings;
export type Settings = Record<SettingName, string>;

export function python3Available(): boolean {
  return spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether a suite that needs `what` should be skipped: yes, with one loud line,
 * when it is missing on a developer machine; never in CI, where the missing
 * tool must fail the run instead of quietly testing less.
 */
export function skipWithoutIt(available: boolean, what: string): boolean {
  if (available) return false;
  if (process.env.CI === 'true') return false;
  console.warn(`SKIPPED: ${what} (CI=true runs these tests and fails instead)`);
  return true;
}

/** The kernel's default IP TTL, which a response that was not hop-limited leaves with. */
export function defaultIpTtl(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_default_ttl', 'utf8').trim());
  } catch {
    return 64;
  }
}

export class SettingsDir {
  private constructor(readonly path: string) {}

  static async create(settings: Settings = vulnerableSettings): Promise<SettingsDir> {
    const dir = new SettingsDir(await mkdtemp(join(tmpdir(), 'imds-settings-')));
    await dir.write(settings);
    return dir;
  }

  /** Writes the files as kubelet presents a ConfigMap: one file per key. */
  async write(settings: Partial<Settings>): Promise<void> {
    for (const [name, value] of Object.entries(settings)) await writeFile(join(this.path, name), `${value}\n`);
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

export interface LogEntry {
  event: string;
  method?: string;
  path?: string;
  status?: number;
  client?: string;
  ttl?: number;
  auth?: string;
  file?: string;
  value?: string;
  port?: number;
  [field: string]: unknown;
}

export interface StartOptions {
  bind: string;
  port: number;
  settingsDir: string;
  /** Runs the server through this command, e.g. `ip netns exec NAME`. */
  prefix?: string[];
  /** More server arguments, e.g. --flags-configmap and the API it reads it from. */
  extraArgs?: string[];
}

export class ImdsProcess {
  readonly log: LogEntry[] = [];
  private listeningPort = 0;
  private stderr = '';
  private spawnError: Error | undefined;
  private readonly exited: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(private readonly child: ChildProcess, command: string) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.log.push(parseLogLine(line));
      this.wakeWaiters();
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    child.once('error', (error) => {
      this.spawnError = new Error(`cannot run ${command}: ${error.message}`);
      this.wakeWaiters();
    });
    child.once('close', () => this.wakeWaiters());
  }

  /** Starts the server and resolves once it has logged the port it listens on. */
  static async start(options: StartOptions): Promise<ImdsProcess> {
    const [command = 'python3', ...prefixArgs] = [...(options.prefix ?? []), 'python3'];
    const args = [
      ...prefixArgs,
      serverScript,
      ...['--bind', options.bind, '--port', String(options.port), '--settings-dir', options.settingsDir],
      ...(options.extraArgs ?? []),
    ];
    const server = new ImdsProcess(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }), command);
    const listening = await server.waitFor((entry) => entry.event === 'listening', 0, 10_000);
    server.listeningPort = listening.port ?? 0;
    return server;
  }

  /** The port from the server's first log line (the free one it picked for --port 0). */
  get port(): number {
    return this.listeningPort;
  }

  /** The index the next log line will have: pass it to nextRequest. */
  mark(): number {
    return this.log.length;
  }

  /** The first request logged at or after `since`. */
  nextRequest(since: number): Promise<LogEntry> {
    return this.waitFor((entry) => entry.event === 'request', since);
  }

  async waitFor(matches: (entry: LogEntry) => boolean, since: number, timeoutMs = 5_000): Promise<LogEntry> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.log.slice(since).find(matches);
      if (found) return found;
      if (this.spawnError) throw this.spawnError;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`the IMDS server exited (${this.child.exitCode ?? this.child.signalCode}): ${this.stderr.trim()}`);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching IMDS log line within ${timeoutMs} ms; log: ${JSON.stringify(this.log)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wakeWaiters(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** SIGTERM, then SIGKILL if it has not exited within three seconds. */
  async stop(): Promise<void> {
    if (this.spawnError || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(timer);
  }
}

function parseLogLine(line: string): LogEntry {
  try {
    return JSON.parse(line) as LogEntry;
  } catch {
    return { event: 'unparsed', line };
  }
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a fresh connection (no keep-alive pool), so each response is its own. */
export function imdsRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: 5_000, ...(localAddress ? { localAddress } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * One emulator on 127.0.0.1 for a describe block, reset to the scenario's
 * vulnerable settings before each test and stopped after the block.
 */
export function useLocalImds(): { readonly server: ImdsProcess; readonly settings: SettingsDir } {
  const handle = {} as { server: ImdsProcess; settings: SettingsDir };
  beforeAll(async () => {
    handle.settings = await SettingsDir.create();
    handle.server = await ImdsProcess.start({ bind: '127.0.0.1', port: 0, settingsDir: handle.settings.path });
  });
  afterAll(async () => {
    await handle.server?.stop();
    await handle.settings?.remove();
  });
  beforeEach(() => handle.settings.write(vulnerableSettings));
  return handle;
}

/** One case of test/fixtures/imds/settings-vectors.json, shared with the grader's parser test. */
export interface SettingsVector {
  name: string;
  /** Each file's text, or { base64 } for raw bytes; a missing key is absent. */
  files: Partial<Record<SettingName, string | { base64: string }>>;
  expect: { valid: true; 'http-tokens': string; 'http-put-response-hop-limit': number; 'http-endpoint': string } | { valid: false; file: SettingName; value: string };
}

export const settingsVectors: SettingsVector[] = (
  JSON.parse(readFileSync(new URL('../../fixtures/imds/settings-vectors.json', import.meta.url), 'utf8')) as { vectors: SettingsVector[] }
).vectors;

/** Writes a vector's files exactly (no added newline), removing the ones it lacks. */
export async function writeVector(dir: string, vector: SettingsVector): Promise<void> {
  for (const name of Object.keys(vulnerableSettings) as SettingName[]) {
    const file = vector.files[name];
    if (file === undefined) await rm(join(dir, name), { force: true });
    else await writeFile(join(dir, name), typeof file === 'string' ? file : Buffer.from(file.base64, 'base64'));
  }
}
