import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { execExitCode, type ExecStatus } from '../../src/kube/client.js';
import { KubeRequestError } from '../../src/kube/errors.js';

const recorded = (name: string): ExecStatus =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/exec-status/${name}.json`, import.meta.url)), 'utf8')) as ExecStatus;

function thrownBy(status: ExecStatus): unknown {
  try {
    return execExitCode(status, 'shop/web');
  } catch (error) {
    return error;
  }
}

describe('the exit code of an exec (its final v1.Status)', () => {
  it.each([
    ['exit-0', 0],
    ['exit-1', 1],
    ['exit-137', 137],
  ])('%s: a real exit code counts', (name, code) => {
    expect(execExitCode(recorded(name), 'shop/web')).toBe(code);
  });

  it.each([
    ['executable-not-found', 'exec: "wget": executable file not found in $PATH'],
    ['permission-denied', 'exec: "/probe/attack.sh": permission denied'],
    ['container-gone', 'container is in CONTAINER_EXITED state'],
    ['stream-error', 'connection reset by peer'],
  ])('%s: a Failure without an ExitCode cause is an exec error with the API\'s message, never "the attack failed"', (name, words) => {
    const error = thrownBy(recorded(name));
    expect(error).toBeInstanceOf(KubeRequestError);
    expect((error as KubeRequestError).message).toMatch(/^exec in shop\/web failed: Internal error occurred: /);
    expect((error as KubeRequestError).message).toContain(words);
    expect((error as KubeRequestError).reason).toBe('InternalError');
  });

  it('an ExitCode cause that is not a number, or a status of no known shape, is an error too', () => {
    expect(thrownBy({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: 'unknown' }] } })).toBeInstanceOf(KubeRequestError);
    expect(thrownBy({})).toBeInstanceOf(KubeRequestError);
  });
});

/** An API server stand-in that accepts connections and never answers; `upgrade` decides whether the websocket opens first. */
async function silentServer(upgrade: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer();
  server.on('connection', (socket) => sockets.add(socket));
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => [...protocols][0] ?? false });
  server.on('upgrade', (request, socket, head) => {
    if (upgrade) wss.handleUpgrade(request, socket, head, () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const probe = fileURLToPath(new URL('./helpers/timed-out-exec.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Runs one timed-out probe in a child process; resolves to its output line and how long it lived after printing it. */
function runProbe(server: string, timeoutMs: number, limitMs: number): Promise<{ line: string; lingeredMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [probe, server, String(timeoutMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    let printedAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) printedAt ??= Date.now();
    });
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the probe process was still running ${limitMs} ms after it started (output: ${output.trim() || 'none'})`));
    }, limitMs);
    child.on('exit', () => {
      clearTimeout(killer);
      resolve({ line: output.trim(), lingeredMs: Date.now() - (printedAt ?? Date.now()) });
    });
  });
}

describe('a timed-out exec', () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it.each([
    ['the websocket opened but the command never ends', true],
    ['the API server never answers the upgrade', false],
  ])('closes its websocket, so the process exits promptly after the verdict: %s', { timeout: 20_000 }, async (_case, upgrade) => {
    const server = await silentServer(upgrade);
    servers.push(server);
    const { line, lingeredMs } = await runProbe(server.url, 500, 10_000);
    expect(JSON.parse(line)).toEqual({ rejected: 'exec in shop/web timed out after 0.5s', reason: 'Timeout' });
    expect(lingeredMs).toBeLessThan(1_000);
  });
});
