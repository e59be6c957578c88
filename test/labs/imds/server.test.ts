import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultIpTtl, imdsRequest, python3Available, settingsVectors, skipWithoutIt, useLocalImds, writeVector, type SettingName } from './imds-harness.js';

const ROLE = 'k8s-sec-lab-node-role';
const CREDENTIALS_PATH = `/latest/meta-data/iam/security-credentials/${ROLE}`;
const TOKEN_TTL_HEADER = 'X-aws-ec2-metadata-token-ttl-seconds';

const skip = skipWithoutIt(python3Available(), 'IMDS emulator server tests: python3 is not on PATH');

describe.skipIf(skip)('IMDS emulator server (labs/addons/imds/server.py)', () => {
  // One server for the file; each test starts from the scenario's vulnerable settings.
  const imds = useLocalImds();

  const get = (path: string, headers: Record<string, string> = {}) => imdsRequest(imds.server.port, 'GET', path, headers);
  const putToken = (headers: Record<string, string> = { [TOKEN_TTL_HEADER]: '21600' }) =>
    imdsRequest(imds.server.port, 'PUT', '/latest/api/token', headers);

  async function token(ttlSeconds = 21600): Promise<string> {
    const response = await putToken({ [TOKEN_TTL_HEADER]: String(ttlSeconds) });
    expect(response.status).toBe(200);
    return response.body;
  }

  describe('IMDSv1', () => {
    it('lists the metadata categories, subdirectories ending in /', async () => {
      const response = await get('/latest/meta-data/');
      expect(response.status).toBe(200);
      expect(response.body.split('\n')).toEqual(
        expect.arrayContaining(['ami-id', 'hostname', 'iam/', 'instance-id', 'local-ipv4', 'placement/']),
      );
    });

    it('names the node role and hands out its credentials without a token', async () => {
      const role = await get('/latest/meta-data/iam/security-credentials/');
      expect(role).toMatchObject({ status: 200, body: ROLE });

      const response = await get(CREDENTIALS_PATH);
      expect(response.status).toBe(200);
      const credentials = JSON.parse(response.body) as Record<string, string>;
      expect(Object.keys(credentials)).toEqual([
        'Code', 'LastUpdated', 'Type', 'AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration',
      ]);
      expect(credentials).toMatchObject({ Code: 'Success', Type: 'AWS-HMAC' });
      expect(Date.parse(credentials.Expiration!)).toBeGreaterThan(Date.parse(credentials.LastUpdated!));
    });

    it('serves credentials that cannot be mistaken for real ones', async () => {
      const credentials = JSON.parse((await get(CREDENTIALS_PATH)).body) as Record<string, string>;
      expect(credentials.AccessKeyId).toMatch(/^ASIA.*FAKE.*EXAMPLE$/);
      for (const secret of [credentials.SecretAccessKey, credentials.Token]) {
        expect(secret).toContain('FAKE');
        expect(secret).toContain('k8s-sec-lab');
      }
    });

    it('serves placement, identity and IAM documents that agree with each other', async () => {
      const region = (await get('/latest/meta-data/placement/region')).body;
      const zone = (await get('/latest/meta-data/placement/availability-zone')).body;
      const instanceId = (await get('/latest/meta-data/instance-id')).body;
      const identity = JSON.parse((await get('/latest/dynamic/instance-identity/document')).body) as Record<string, string>;
      expect(identity).toMatchObject({ region, availabilityZone: zone, instanceId });
      const info = JSON.parse((await get('/latest/meta-data/iam/info')).body) as Record<string, string>;
      expect(info.InstanceProfileArn).toMatch(new RegExp(`:instance-profile/${ROLE}$`));
    });

    it('answers unknown paths with 404', async () => {
      expect((await get('/latest/meta-data/no-such-thing')).status).toBe(404);
      expect((await get('/latest/meta-data/instance-id/extra')).status).toBe(404);
    });

    it('is not hop-limited: its responses leave with the default IP TTL', async () => {
      await imds.settings.write({ 'http-put-response-hop-limit': '1' });
      const since = imds.server.mark();
      expect((await get(CREDENTIALS_PATH)).status).toBe(200);
      expect(await imds.server.nextRequest(since)).toMatchObject({ method: 'GET', auth: 'v1', ttl: defaultIpTtl() });
    });
  });

  describe('IMDSv2', () => {
    it('issues a text/plain token for a PUT and echoes its TTL', async () => {
      const response = await putToken({ [TOKEN_TTL_HEADER]: '300' });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain');
      expect(response.headers[TOKEN_TTL_HEADER.toLowerCase()]).toBe('300');
      expect(response.body).toMatch(/^[\w-]{40,}$/);
    });

    it('serves GETs that carry the token', async () => {
      const response = await get('/latest/meta-data/iam/security-credentials/', {
        'X-aws-ec2-metadata-token': await token(),
      });
      expect(response).toMatchObject({ status: 200, body: ROLE });
    });

    it.each([
      ['missing', undefined],
      ['0', '0'],
      ['21601', '21601'],
      ['not an integer', 'abc'],
      ['a fraction', '1.5'],
      ['negative', '-1'],
    ])('refuses a token PUT whose TTL header is %s with 400', async (_, ttl) => {
      const response = await putToken(ttl === undefined ? {} : { [TOKEN_TTL_HEADER]: ttl });
      expect(response.status).toBe(400);
    });

    it.each(['1', '21600'])('accepts the TTL bound %s', async (ttl) => {
      expect((await putToken({ [TOKEN_TTL_HEADER]: ttl })).status).toBe(200);
    });

    it('refuses GET on the token path with 405', async () => {
      const response = await get('/latest/api/token');
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('PUT');
    });

    it('expires a token after its TTL', async () => {
      const shortLived = await token(1);
      expect((await get('/latest/meta-data/', { 'X-aws-ec2-metadata-token': shortLived })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await get('/latest/meta-data/', { 'X-aws-ec2-metadata-token': shortLived })).status).toBe(401);
    });

    it('answers an invalid token with 401 even though tokens are optional', async () => {
      const response = await get('/latest/meta-data/', { 'X-aws-ec2-metadata-token': 'not-a-token' });
      expect(response.status).toBe(401);
    });

    it('refuses a token PUT that came through a proxy (X-Forwarded-For) with 403', async () => {
      const response = await putToken({ [TOKEN_TTL_HEADER]: '60', 'X-Forwarded-For': '10.0.0.7' });
      expect(response.status).toBe(403);
    });
  });

  describe('settings, as aws ec2 modify-instance-metadata-options sets them', () => {
    it('http-tokens=required refuses IMDSv1 GETs but serves IMDSv2', async () => {
      await imds.settings.write({ 'http-tokens': 'required' });
      expect((await get(CREDENTIALS_PATH)).status).toBe(401);
      expect((await get(CREDENTIALS_PATH, { 'X-aws-ec2-metadata-token': await token() })).status).toBe(200);
    });

    it('takes a change on disk into account on the next request, without a restart', async () => {
      expect((await get(CREDENTIALS_PATH)).status).toBe(200);
      await imds.settings.write({ 'http-tokens': 'required' });
      expect((await get(CREDENTIALS_PATH)).status).toBe(401);
      await imds.settings.write({ 'http-tokens': 'optional' });
      expect((await get(CREDENTIALS_PATH)).status).toBe(200);
    });

    it('http-endpoint=disabled refuses every request with 403, valid token or not', async () => {
      const validToken = await token();
      await imds.settings.write({ 'http-endpoint': 'disabled' });
      expect((await get(CREDENTIALS_PATH)).status).toBe(403);
      expect((await get(CREDENTIALS_PATH, { 'X-aws-ec2-metadata-token': validToken })).status).toBe(403);
      expect((await putToken()).status).toBe(403);
    });

    it.each([1, 2, 64])('sends the token response with IP TTL %i when that is the hop limit', async (hopLimit) => {
      await imds.settings.write({ 'http-put-response-hop-limit': String(hopLimit) });
      const since = imds.server.mark();
      const response = await putToken();
      expect(response.status).toBe(200);
      // Closing is what keeps a retransmission from leaving with the default TTL.
      expect(response.headers.connection).toBe('close');
      // The TTL read back with getsockopt from the socket that sent the response.
      expect(await imds.server.nextRequest(since)).toMatchObject({ method: 'PUT', status: 200, ttl: hopLimit });
    });

    it.each<[SettingName, string]>([
      ['http-tokens', 'sometimes'],
      ['http-put-response-hop-limit', '0'],
      ['http-put-response-hop-limit', '65'],
      ['http-put-response-hop-limit', 'two'],
      ['http-endpoint', 'on'],
    ])('fails loudly with 500 naming the file when %s is %j', async (name, value) => {
      await imds.settings.write({ [name]: value });
      const since = imds.server.mark();
      for (const response of [await get(CREDENTIALS_PATH), await putToken()]) {
        expect(response.status).toBe(500);
        expect(response.body).toContain(join(imds.settings.path, name));
        expect(response.body).toContain(value);
      }
      expect(await imds.server.waitFor((entry) => entry.event === 'settings-error', since)).toMatchObject({
        file: join(imds.settings.path, name),
        value,
      });
    });

    it('fails loudly with 500 when a settings file is missing', async () => {
      await rm(join(imds.settings.path, 'http-endpoint'));
      const response = await get(CREDENTIALS_PATH);
      expect(response.status).toBe(500);
      expect(response.body).toContain(join(imds.settings.path, 'http-endpoint'));
    });
  });
  describe('the effective settings it serves on its lab-only path, on the vectors the grader shares', () => {
    const LAB_PATH = '/k8s-sec-lab/effective-settings';

    it.each(settingsVectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
      await writeVector(imds.settings.path, vector);
      const response = await get(LAB_PATH);
      expect(response.status).toBe(200);
      const effective = JSON.parse(response.body) as Record<string, unknown>;
      if (vector.expect.valid) expect(effective).toEqual(vector.expect);
      else expect(effective).toMatchObject(vector.expect);
      // The settings it reports are the ones it applies: with invalid ones every request is a 500.
      expect((await get('/latest/meta-data/')).status).toBe(!vector.expect.valid ? 500 : vector.expect['http-endpoint'] === 'disabled' ? 403 : vector.expect['http-tokens'] === 'required' ? 401 : 200);
    });

    it('answers it only to a client on its own address: anyone else gets the usual answer', async () => {
      expect((await get(LAB_PATH)).status).toBe(200);
      const other = await imdsRequest(imds.server.port, 'GET', LAB_PATH, {}, '127.0.0.2');
      expect(other.status).toBe(404);
      expect(other.body).not.toContain('http-tokens');
    });
  });
});
