import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configMapFiles, parseImdsSettings, type SettingFile, type SettingName } from '../../../src/engines/imds/settings.js';

interface Vector {
  name: string;
  files: Partial<Record<SettingName, string | { base64: string }>>;
  expect: Record<string, unknown>;
}
// The same vectors test/labs/imds/server.test.ts runs against the emulator itself.
const vectors = (JSON.parse(readFileSync(new URL('../../fixtures/imds/settings-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;

describe('parseImdsSettings reads the settings exactly as server.py does', () => {
  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const files = Object.fromEntries(Object.entries(vector.files).map(([name, file]) => [name, typeof file === 'string' ? file : Uint8Array.from(Buffer.from(file.base64, 'base64'))])) as Partial<Record<SettingName, SettingFile>>;
    const parsed = parseImdsSettings(files);
    if (vector.expect.valid) expect(parsed).toEqual(vector.expect);
    else expect(parsed).toMatchObject(vector.expect);
  });

  it('says what is wrong with an invalid value', () => {
    expect(parseImdsSettings({ 'http-tokens': 'requird\n' })).toMatchObject({ valid: false, message: 'http-tokens is "requird", expected optional or required' });
    expect(parseImdsSettings({ 'http-tokens': 'required', 'http-put-response-hop-limit': '1' })).toMatchObject({ valid: false, message: 'http-endpoint is missing' });
  });
});

describe('configMapFiles', () => {
  it('takes data keys as text and binaryData keys as bytes, like a mounted ConfigMap', () => {
    const files = configMapFiles({ data: { 'http-tokens': 'required\n' }, binaryData: { 'http-put-response-hop-limit': Buffer.from('1\n').toString('base64') } });
    expect(files['http-tokens']).toBe('required\n');
    expect(Buffer.from(files['http-put-response-hop-limit'] as Uint8Array).toString()).toBe('1\n');
    expect(files['http-endpoint']).toBeUndefined();
  });
});
