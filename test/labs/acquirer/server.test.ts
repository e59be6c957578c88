import { connect as tcpConnect } from 'node:net';
import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { python3Available, skipWithoutIt } from '../imds/imds-harness.js';
import { AcquirerProcess } from './acquirer-harness.js';

/** One HTTPS request that trusts only the add-on's own certificate (its SAN names 127.0.0.1 too). */
function call(server: AcquirerProcess, ca: string, method: string, path: string, body?: string) {
  return new Promise<{ status: number; json: Record<string, unknown>; subject: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, ca, timeout: 5_000 }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => {
        const peer = (response.socket as import('node:tls').TLSSocket).getPeerCertificate();
        resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown>, subject: `${peer.subject?.O} / ${peer.subject?.CN}` });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(skipWithoutIt(python3Available(), 'acquirer server tests: python3 is not on PATH'))('the acquirer add-on server (labs/addons/acquirer/server.py)', () => {
  let server: AcquirerProcess;
  let ca: string;

  beforeAll(async () => {
    server = await AcquirerProcess.start();
    ca = await readFile(server.certFile, 'utf8');
  });
  afterAll(() => server?.stop());

  it('answers its health endpoint over TLS with the lab\'s FAKE certificate, saying who it is', async () => {
    const answer = await call(server, ca, 'GET', '/v1/health');
    expect(answer).toMatchObject({ status: 200, json: { service: 'k8s-sec-lab-acquirer', status: 'ok', fake: true } });
    expect(answer.subject).toBe('k8s-sec-lab FAKE payment acquirer / acquirer.k8s-sec-lab.invalid');
  });

  it('accepts webhooks and refuses unknown paths', async () => {
    expect(await call(server, ca, 'POST', '/v1/webhooks', '{"event":"payment.captured"}')).toMatchObject({ status: 202, json: { accepted: true, bytes: 28 } });
    expect(await call(server, ca, 'GET', '/latest/meta-data/')).toMatchObject({ status: 404, json: { service: 'k8s-sec-lab-acquirer' } });
  });

  it('serves others while a client holds a bare TCP connection without TLS (the relay\'s delivery check), and logs it', async () => {
    // From another loopback address: bare connections from the server's own address are its readiness probe's, not logged.
    const bare = (localAddress: string) => {
      const socket = tcpConnect({ host: '127.0.0.1', port: server.port, localAddress });
      return new Promise<typeof socket>((resolve) => socket.once('connect', () => resolve(socket)));
    };
    const own = await bare('127.0.0.1');
    own.destroy();
    const idle = await bare('127.0.0.2');
    try {
      expect((await call(server, ca, 'GET', '/v1/health')).status).toBe(200);
    } finally {
      idle.destroy();
    }
    await expect.poll(() => server.log.filter((entry) => entry.event === 'no-tls').map((entry) => entry.client), { timeout: 5_000 }).toEqual(['127.0.0.2']);
    expect(server.log.filter((entry) => entry.event === 'request').at(-1)).toMatchObject({ method: 'GET', path: '/v1/health', status: 200, client: '127.0.0.1' });
  });
});
