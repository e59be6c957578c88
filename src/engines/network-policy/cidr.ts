// IPv4 and IPv6 addresses as bigints, so one piece of prefix math serves both families.

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

export interface Cidr {
  family: 4 | 6;
  /** The network address, host bits cleared. */
  base: bigint;
  prefix: number;
}

const familyBits = { 4: 32, 6: 128 } as const;
const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const hexGroupPattern = /^[0-9a-fA-F]{1,4}$/;

export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = familyBits[address.family];
  if (prefix > bits) return undefined;
  // Like Go's net.ParseCIDR, host bits in the address are ignored.
  const hostBits = BigInt(bits - prefix);
  return { family: address.family, base: (address.value >> hostBits) << hostBits, prefix };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const hostBits = BigInt(familyBits[cidr.family] - cidr.prefix);
  return ip.value >> hostBits === cidr.base >> hostBits;
}

/** True when `inner` is a strictly smaller block inside `outer`, as `except` entries must be. */
export function cidrStrictlyInside(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix > outer.prefix && cidrContains(outer, { family: inner.family, value: inner.base });
}

function parseIpv4(text: string): bigint | undefined {
  const match = ipv4Pattern.exec(text);
  if (!match) return undefined;
  let value = 0n;
  for (const octet of match.slice(1)) {
    // Go rejects leading zeros (they once meant octal); so do we.
    if (octet.length > 1 && octet.startsWith('0')) return undefined;
    const number = Number(octet);
    if (number > 255) return undefined;
    value = (value << 8n) | BigInt(number);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return undefined;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? '' : text.slice(gap + 2);
  const headWords = ipv6Words(head, gap === -1);
  const tailWords = ipv6Words(tail, true);
  if (!headWords || !tailWords) return undefined;
  const given = headWords.length + tailWords.length;
  if (gap === -1 ? given !== 8 : given > 7) return undefined;
  const words = [...headWords, ...new Array<number>(8 - given).fill(0), ...tailWords];
  return words.reduce((value, word) => (value << 16n) | BigInt(word), 0n);
}

/** The 16-bit words of colon-separated groups; the last group may be an embedded IPv4 address. */
function ipv6Words(groups: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (groups === '') return [];
  const parts = groups.split(':');
  const words: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (hexGroupPattern.test(part)) {
      words.push(parseInt(part, 16));
      continue;
    }
    const embedded = mayEndWithIpv4 && index === parts.length - 1 ? parseIpv4(part) : undefined;
    if (embedded === undefined) return undefined;
    words.push(Number(embedded >> 16n), Number(embedded & 0xffffn));
  }
  return words;
}
