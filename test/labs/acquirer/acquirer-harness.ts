import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseAllDocuments } from 'yaml';
import { addonsDir } from '../../../tools/addons/code-configmap.js';

export const acquirerDir = join(addonsDir, 'acquirer/');

/** The lab's fake certificate and key, as the Secret in acquirer-tls.yaml holds them. */
export async function acquirerTls(): Promise<{ cert: string; key: string }> {
  const [secret] = parseAllDocuments(await readFile(join(acquirerDir, 'acquirer-tls.yaml'), 'utf8')).map((document) => document.toJS() as { stringData: Record<string, string> });
  return { cert: secret!.stringData['tls.crt']!, key: secret!.stringData['tls.key']! };
}

/** labs/addons/acquirer/server.py run with python3 on 127.0.0.1 (a free port), with the add-on's own certificate. */
export class AcquirerProcess {
  readonly log: Record<string, unknown>[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly certFile: string,
    private readonly dir: string,
  ) {}

  static async start(): Promise<AcquirerProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'acquirer-'));
    const { cert, key } = await acquirerTls();
    await writeFile(join(dir, 'tls.crt'), cert);
    await writeFile(join(dir, 'tls.key'), key);
    const args = [join(acquirerDir, 'server.py'), '--bind', '127.0.0.1', '--port', '0', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')];
    const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`server.py exited with ${code}`)));
    });
    const listening = JSON.parse(first) as { event: string; port: number };
    if (listening.event !== 'listening') throw new Error(`server.py said ${first} first`);
    const server = new AcquirerProcess(child, listening.port, join(dir, 'tls.crt'), dir);
    server.log.push(listening);
    lines.on('line', (line) => server.log.push(JSON.parse(line) as Record<string, unknown>));
    return server;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
