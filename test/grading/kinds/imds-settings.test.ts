import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseImdsSettings } from '../../../src/engines/imds/settings.js';
import { effectiveSettingsCommand, parseEffectiveSettings } from '../../../src/grading/kinds/imds-settings.js';
import { python3Available, settingsVectors, skipWithoutIt, useLocalImds, writeVector } from '../../labs/imds/imds-harness.js';

const skip = skipWithoutIt(python3Available(), 'imds-settings probe tests: python3 is not on PATH');

/**
 * The command the imds-settings kind execs in an emulator pod, run here against
 * the real server.py on 127.0.0.1 (its own address, as 169.254.169.254 is in
 * the pod): what it prints must parse to what the grader's own parser makes of
 * the same files, for every shared vector.
 */
describe.skipIf(skip)('the imds-settings emulator probe', () => {
  const imds = useLocalImds();

  it.each(settingsVectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    await writeVector(imds.settings.path, vector);
    const [command, ...args] = effectiveSettingsCommand(`http://127.0.0.1:${imds.server.port}/k8s-sec-lab/effective-settings`);
    const result = await execa(command!, args);
    const fromEmulator = parseEffectiveSettings(result.stdout);
    const files = Object.fromEntries(Object.entries(vector.files).map(([name, file]) => [name, typeof file === 'string' ? file : Uint8Array.from(Buffer.from(file.base64, 'base64'))]));
    const fromConfigMap = parseImdsSettings(files);
    expect(fromEmulator).toEqual(fromConfigMap);
  });
});
