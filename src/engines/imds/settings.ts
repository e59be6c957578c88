/**
 * The IMDS emulator's settings as the emulator itself reads them
 * (labs/addons/imds/server.py, read_settings): the same trimming, the same
 * accepted values, the same first error. A grader that compared the raw
 * ConfigMap text would fail `required\n`, which the emulator applies. Both
 * sides run test/fixtures/imds/settings-vectors.json. Pure.
 */

export const settingNames = ['http-tokens', 'http-put-response-hop-limit', 'http-endpoint'] as const;
export type SettingName = (typeof settingNames)[number];

export interface ImdsSettings {
  'http-tokens': 'optional' | 'required';
  'http-put-response-hop-limit': number;
  'http-endpoint': 'enabled' | 'disabled';
}

export type ParsedSettings = ({ valid: true } & ImdsSettings) | { valid: false; file: SettingName; value: string; message: string };

/** One settings file's content: text, raw bytes (a ConfigMap's binaryData), or undefined when the key is missing. */
export type SettingFile = string | Uint8Array | undefined;

/** server.py's SETTING_WHITESPACE: ASCII blanks only (a no-break space or a byte-order mark is part of the value). */
const whitespace = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

function trim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && whitespace.has(value[start]!)) start++;
  while (end > start && whitespace.has(value[end - 1]!)) end--;
  return value.slice(start, end);
}

function read(files: Partial<Record<SettingName, SettingFile>>, name: SettingName): string {
  const file = files[name];
  if (file === undefined) return '<missing>';
  if (typeof file === 'string') return trim(file);
  try {
    return trim(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file));
  } catch {
    return '<not UTF-8>';
  }
}

const accepted: Record<SettingName, string> = {
  'http-tokens': 'optional or required',
  'http-put-response-hop-limit': 'an integer from 1 to 64',
  'http-endpoint': 'enabled or disabled',
};

/** A refused setting, described the same way whoever found it (this parser or the emulator). */
export function invalidSetting(file: SettingName, value: string): ParsedSettings {
  return { valid: false, file, value, message: value === '<missing>' ? `${file} is missing` : `${file} is ${JSON.stringify(value)}, expected ${accepted[file]}` };
}

export function parseImdsSettings(files: Partial<Record<SettingName, SettingFile>>): ParsedSettings {
  const tokens = read(files, 'http-tokens');
  if (tokens !== 'optional' && tokens !== 'required') return invalidSetting('http-tokens', tokens);
  const hopLimit = read(files, 'http-put-response-hop-limit');
  if (!/^[0-9]{1,2}$/.test(hopLimit) || Number(hopLimit) < 1 || Number(hopLimit) > 64) return invalidSetting('http-put-response-hop-limit', hopLimit);
  const endpoint = read(files, 'http-endpoint');
  if (endpoint !== 'enabled' && endpoint !== 'disabled') return invalidSetting('http-endpoint', endpoint);
  return { valid: true, 'http-tokens': tokens, 'http-put-response-hop-limit': Number(hopLimit), 'http-endpoint': endpoint };
}

/** The settings files of a ConfigMap as kubelet mounts them: each data key as text, each binaryData key as bytes. */
export function configMapFiles(configMap: { data?: Record<string, string>; binaryData?: Record<string, string> }): Partial<Record<SettingName, SettingFile>> {
  const files: Partial<Record<SettingName, SettingFile>> = {};
  for (const name of settingNames) {
    const text = configMap.data?.[name];
    const binary = configMap.binaryData?.[name];
    if (text !== undefined) files[name] = text;
    else if (binary !== undefined) files[name] = Uint8Array.from(Buffer.from(binary, 'base64'));
  }
  return files;
}
