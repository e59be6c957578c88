import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { python3Available, skipWithoutIt } from '../imds/imds-harness.js';
import { AgentProcess, unsignedJwt } from './agent-harness.js';

/**
 * The agent's behaviour that needs no API server: the checks it makes before it asks
 * one, and failing closed when it cannot ask. Its TokenReview and association logic
 * runs against the real API server of the test control plane in
 * test/integration/addons/pod-identity-agent.test.ts.
 */
const skip = skipWithoutIt(python3Available(), 'EKS Pod Identity Agent emulator tests: python3 is not on PATH');

/** A loopback port that nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(skip)('EKS Pod Identity Agent emulator (labs/addons/pod-identity/agent.py) without an API server', () => {
  let dir: string;
  let agent: AgentProcess;
  const wellFormed = unsignedJwt({ iss: 'https://kubernetes.default.svc.cluster.local', aud: ['pods.eks.amazonaws.com'], sub: 'system:serviceaccount:reports:reports', exp: 4102444800 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pod-identity-agent-'));
    await writeFile(join(dir, 'token'), 'agent-token-unused');
    await writeFile(join(dir, 'ca.crt'), '');
    agent = await AgentProcess.start({ apiServer: `https://127.0.0.1:${await closedPort()}`, tokenFile: join(dir, 'token'), caFile: join(dir, 'ca.crt') });
  });
  afterAll(async () => {
    await agent?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a request without a token with 400, as the EKS agent does', async () => {
    expect(await agent.call(undefined)).toEqual({ status: 400, body: 'Service account token cannot be empty\n' });
    expect((await agent.call('')).status).toBe(400);
  });

  it('refuses what is not a JWT with 400, before asking anyone', async () => {
    expect(await agent.call('Bearer abc')).toEqual({ status: 400, body: 'Service account token cannot be parsed: not a JWT\n' });
    expect((await agent.call('a.b.c')).body).toContain('its claims are not JSON');
  });

  it('answers only when called through its own address (the Host header), like the EKS agent', async () => {
    const response = await agent.call(wellFormed, { host: '169.254.169.254' });
    expect(response.status).toBe(403);
    expect(response.body).toContain("Called agent through invalid address, please use ['127.0.0.1'] not '169.254.169.254'");
  });

  it('serves /v1/credentials only, and GET only', async () => {
    expect((await agent.call(wellFormed, { path: '/latest/meta-data/' })).status).toBe(404);
    expect((await agent.call(wellFormed, { method: 'POST' })).status).toBe(405);
  });

  it('fails closed with 500 when it cannot ask the API server: never credentials it could not justify', async () => {
    const response = await agent.call(wellFormed);
    expect(response.status).toBe(500);
    expect(response.body).toContain('could not validate the token: could not reach the API server');
    expect(response.body).not.toContain('AccessKeyId');
  });

  it('logs one JSON line per request with its status and reason', async () => {
    const since = agent.log.length;
    await agent.call(undefined);
    await expect.poll(() => agent.log.slice(since)).toContainEqual(
      expect.objectContaining({ event: 'request', method: 'GET', path: '/v1/credentials', status: 400, client: '127.0.0.1', reason: 'Service account token cannot be empty' }),
    );
  });
});
