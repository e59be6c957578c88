/**
 * Whether a value kept in plain configuration (a ConfigMap key, a literal env
 * value, a command-line flag) is a credential. Pure: no I/O; the
 * credential-scan check kind feeds it every place a value can sit. A value is
 * a credential when its name says so (password, token, api key...) and it is
 * a value rather than a reference, or, whatever its name, when it has a
 * credential's shape: a URL with a password, a private key, an AWS access key
 * ID, a JSON Web Token, a registry login, a random-looking string. Base64 is
 * looked through. Reasons never quote the secret itself.
 */

/** Why a value is a credential, in words for the learner; undefined when it is not one. */
export type CredentialReason = string | undefined;

const secretWords = new Set(['password', 'passwd', 'pass', 'pwd', 'passphrase', 'secret', 'token', 'credential', 'credentials', 'auth', 'apikey']);
const secretPairs = [
  ['api', 'key'],
  ['access', 'key'],
  ['private', 'key'],
  ['secret', 'key'],
  ['client', 'secret'],
];
/** A name that ends in one of these holds where or how to find a credential, not the credential. */
const pointerWords = new Set(['file', 'path', 'dir', 'url', 'uri', 'endpoint', 'host', 'port', 'user', 'username', 'name', 'audience', 'ttl', 'expiry', 'expiration', 'length', 'type', 'mode', 'enabled', 'ref', 'id', 'header', 'source']);

/** `DB_PASSWORD` -> db, password; `apiKey` -> api, key; `tls.private-key` -> tls, private, key. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

/** The words of a name that say it holds a credential, e.g. "password" or "api key"; undefined if none do or the name points elsewhere. */
export function secretName(name: string): string | undefined {
  const words = nameWords(name);
  if (words.length === 0 || pointerWords.has(words[words.length - 1]!)) return undefined;
  for (let index = 0; index < words.length - 1; index++) {
    const pair = secretPairs.find(([first, second]) => words[index] === first && words[index + 1] === second);
    if (pair) return pair.join(' ');
  }
  return words.find((word) => secretWords.has(word));
}

/** A value that stands for no secret: empty, a flag, a number, a path, or only `$(VAR)` / `${VAR}` references. */
function isPlaceholder(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 4) return true;
  if (/^(true|false|yes|no|on|off|null|none|changeme|required|optional)$/i.test(trimmed)) return true;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return true;
  if (/^[.~]?\//.test(trimmed)) return true;
  return trimmed.replace(/\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '').trim() === '';
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const urlWithPassword = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/:@]+):([^\s/@]+)@([^\s/:?#"']+)/i;

/** The credential shapes recognised whatever the name, in any text (a whole file too). */
function shapeOf(text: string): CredentialReason {
  const url = urlWithPassword.exec(text);
  if (url && !isPlaceholder(url[3]!)) return `a URL with a password (${url[1]}://${url[2]}:***@${url[4]})`;
  if (/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text)) return 'a PEM private key';
  if (/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/.test(text)) return 'an AWS access key ID';
  if (/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(text)) return 'a JSON Web Token';
  if (/"auths"\s*:\s*\{[\s\S]*"(auth|password|identitytoken)"\s*:/.test(text)) return 'a registry login (a dockerconfigjson "auths" entry)';
  return undefined;
}

/** A single word that looks generated: long, mixed upper and lower case and digits, many distinct characters. */
function randomLooking(value: string): CredentialReason {
  if (!/^[A-Za-z0-9+/=_\-.~]{20,}$/.test(value)) return undefined;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return undefined;
  const bits = entropy(value);
  return bits >= 3.5 ? `a random-looking value (${bits.toFixed(1)} bits of entropy per character over ${value.length} characters)` : undefined;
}

/** Text that base64 decodes to, when the value is base64 of printable text. */
function base64Text(value: string): string | undefined {
  if (value.length < 12 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return /^[\t\n\r\x20-\x7e]+$/.test(decoded) && decoded.length >= 4 ? decoded : undefined;
}

/**
 * Why `value`, kept under `name` (a ConfigMap key, an env name, a flag; none
 * for a bare argument), is a credential. Multi-line values (whole files) are
 * judged by shape only: their names and randomness say nothing.
 */
export function credentialIn(name: string | undefined, value: string): CredentialReason {
  const shape = shapeOf(value);
  if (shape) return shape;
  if (/[\r\n]/.test(value.trim())) return undefined;
  const trimmed = value.trim();
  const decoded = base64Text(trimmed);
  if (decoded !== undefined) {
    const inside = credentialIn(name, decoded);
    if (inside) return `base64 of ${inside} (base64 is an encoding anyone can undo, not protection)`;
  }
  const said = name === undefined ? undefined : secretName(name);
  if (said && !isPlaceholder(trimmed)) return `the name says "${said}" and the value is not a reference`;
  return randomLooking(trimmed);
}

/** Flags in an argv that carry a value: `--password=x`, `--password x`, `-p x` is not read (too ambiguous). */
export function flagValues(argv: readonly string[]): { flag: string; value: string }[] {
  const found: { flag: string; value: string }[] = [];
  argv.forEach((word, index) => {
    const long = /^--?([A-Za-z][\w.-]*)=(.*)$/s.exec(word);
    if (long) {
      found.push({ flag: long[1]!, value: long[2]! });
      return;
    }
    const bare = /^--([A-Za-z][\w.-]*)$/.exec(word);
    const next = argv[index + 1];
    if (bare && next !== undefined && !next.startsWith('-') && secretName(bare[1]!)) found.push({ flag: bare[1]!, value: next });
  });
  return found;
}
