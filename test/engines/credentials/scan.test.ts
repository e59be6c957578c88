import { describe, expect, it } from 'vitest';
import { credentialIn, entropy, flagValues, nameWords, secretName } from '../../../src/engines/credentials/scan.js';

describe('secretName', () => {
  it.each([
    ['DB_PASSWORD', 'password'],
    ['dbPass', 'pass'],
    ['apiKey', 'api key'],
    ['STRIPE_API_KEY', 'api key'],
    ['tls.private-key', 'private key'],
    ['GITHUB_TOKEN', 'token'],
    ['client_secret', 'client secret'],
    ['credentials', 'credentials'],
  ])('%s says %s', (name, said) => {
    expect(secretName(name)).toBe(said);
  });

  it.each(['DB_PASSWORD_FILE', 'TOKEN_PATH', 'AUTH_URL', 'DB_USER', 'AWS_ACCESS_KEY_ID', 'TOKEN_AUDIENCE', 'LOG_LEVEL', 'AUTHOR', 'passenger_count', 'SECRET_NAME'])('%s says nothing (a pointer, or no credential word)', (name) => {
    expect(secretName(name)).toBeUndefined();
  });

  it('splits camelCase, dots, dashes and underscores', () => {
    expect(nameWords('myApp.dbPassword-v2')).toEqual(['my', 'app', 'db', 'password', 'v2']);
  });
});

describe('credentialIn', () => {
  it('finds a value under a credential name, never quoting it', () => {
    const reason = credentialIn('DB_PASSWORD', 'FAKE-k8s-sec-lab-ledger-Xq7rT2vLm9pW4sK8-EXAMPLE');
    expect(reason).toBe('the name says "password" and the value is not a reference');
    expect(credentialIn('DB_PASS', 'hunter22')).toContain('the name says "pass"');
  });

  it.each([
    ['an empty value', 'DB_PASSWORD', ''],
    ['a reference', 'DB_PASSWORD', '$(DB_PASSWORD_FROM_SECRET)'],
    ['a shell reference', 'TOKEN', '${TOKEN}'],
    ['a path', 'API_KEY', '/etc/ledger/api-key'],
    ['a flag', 'AUTH', 'true'],
    ['a number', 'TOKEN', '3600'],
    ['a plain word under a harmless name', 'LOG_LEVEL', 'debug'],
    ['a hostname', 'DB_HOST', 'ledger-db.billing.svc.cluster.local'],
    ['a URL without a password', 'DATABASE_URL', 'postgres://ledger@ledger-db:5432/ledger'],
    ['a URL whose password is a reference', 'DATABASE_URL', 'postgres://ledger:$(DB_PASSWORD)@ledger-db:5432/ledger'],
    ['a public certificate', 'ca.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
    ['a lowercase hex digest', 'GIT_SHA', '9db7b59979c38555a39def84a31fb98b5296952f'],
  ])('passes %s', (_, name, value) => {
    expect(credentialIn(name, value)).toBeUndefined();
  });

  it.each([
    ['a URL with a password, whatever the name', 'DATABASE_URL', 'postgres://ledger:s3cr3t-pw@ledger-db.billing.svc:5432/ledger', 'a URL with a password (postgres://ledger:***@ledger-db.billing.svc)'],
    ['a private key in a file', 'tls.key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n', 'a PEM private key'],
    ['an AWS access key ID', 'config', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'an AWS access key ID'],
    ['a JWT', 'SESSION', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsYWIifQ.c2lnbmF0dXJlLWZha2U', 'a JSON Web Token'],
    ['a registry login', 'config.json', '{"auths":{"123456789012.dkr.ecr.us-east-1.amazonaws.com":{"auth":"QVdTOkZBS0U="}}}', 'a registry login'],
    ['a random-looking value under any name', 'X_VALUE', 'Xq7rT2vLm9pW4sK8bN3cZ5yH', 'a random-looking value (4.'],
  ])('finds %s', (_, name, value, reason) => {
    expect(credentialIn(name, value)).toContain(reason);
  });

  it('looks through base64, and says that base64 protects nothing', () => {
    const encoded = Buffer.from('FAKE-k8s-sec-lab-ledger-Xq7rT2vLm9pW4sK8-EXAMPLE').toString('base64');
    expect(credentialIn('DB_PASSWORD', encoded)).toContain('base64 of the name says "password"');
    const url = Buffer.from('postgres://ledger:pw-FAKE-1234@db:5432/ledger').toString('base64');
    expect(credentialIn('BLOB', url)).toBe('base64 of a URL with a password (postgres://ledger:***@db) (base64 is an encoding anyone can undo, not protection)');
  });

  it('judges a whole file by shape only: code that mentions a token is not a credential', () => {
    const code = 'import os\ntoken = open(sa + "/token").read()\nprint("password", token)\n';
    expect(credentialIn('app.py', code)).toBeUndefined();
  });

  it('measures entropy in bits per character', () => {
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
  });
});

describe('flagValues', () => {
  it('reads --flag=value and --credential-flag value, not other bare flags', () => {
    expect(flagValues(['migrate', '--password=pw', '--token', 'abc', '--verbose', 'up', '-u=x'])).toEqual([
      { flag: 'password', value: 'pw' },
      { flag: 'token', value: 'abc' },
      { flag: 'u', value: 'x' },
    ]);
  });
});
