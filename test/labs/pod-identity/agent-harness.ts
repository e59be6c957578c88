/**
 * Runs the EKS Pod Identity Agent emulator (labs/addons/pod-identity/agent.py) as a
 * child process on 127.0.0.1 for tests, and keeps its JSON log. The API server it
 * asks is whatever the test gives it: the test control plane, or an address where
 * nothing answers (to prove it fails closed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { addonDir } from '../../../tools/pod-identity/server-configmap.js';

export const agentScript = join(addonDir, 'agent.py');

export interface AgentOptions {
  apiServer: string;
  tokenFile: string;
  caFile: string;
  associationsNamespace?: string;
}

export class AgentProcess {
  readonly log: Record<string, unknown>[] = [];
  private listeningPort = 0;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.log.push(JSON.parse(line) as Record<string, unknown>));
  }

  /** Starts the agent on a free port of 127.0.0.1 (answering Host 127.0.0.1) and resolves once it listens. */
  static async start(options: AgentOptions): Promise<AgentProcess> {
    const args = [agentScript, '--bind', '127.0.0.1', '--port', '0', '--allowed-host', '127.0.0.1', '--api-server', options.apiServer, '--token-file', options.tokenFile, '--ca-file', options.caFile];
    if (options.associationsNamespace) args.push('--associations-namespace', options.associationsNamespace);
    const agent = new AgentProcess(spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stderr = '';
    agent.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const listening = agent.log.find((entry) => entry.event === 'listening');
      if (listening) {
        agent.listeningPort = listening.port as number;
        return agent;
      }
      if (agent.child.exitCode !== null) throw new Error(`the agent exited (${agent.child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`the agent did not start within 10 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get port(): number {
    return this.listeningPort;
  }

  /** GET (or another method) on the agent, with the token in Authorization as the AWS SDKs send it. */
  call(token: string | undefined, options: { path?: string; method?: string; host?: string } = {}): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = { host: options.host ?? '127.0.0.1' };
    if (token !== undefined) headers.authorization = token;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, method: options.method ?? 'GET', path: options.path ?? '/v1/credentials', headers, agent: false, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('the agent did not answer within 10 s')));
      req.on('error', reject);
      req.end();
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/** A JWT-shaped string with the given claims and no valid signature: the agent's own checks pass, the API server's do not. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k8s-sec-lab' })}.${part(claims)}.${Buffer.from('not-a-signature').toString('base64url')}`;
}
