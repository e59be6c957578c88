import { describe, expect, it } from 'vitest';
import { cidrContains, cidrStrictlyInside, parseCidr, parseIp } from '../../../src/engines/network-policy/cidr.js';

describe('parseIp', () => {
  it.each([
    ['0.0.0.0', 4, 0n],
    ['169.254.169.254', 4, 0xa9fea9fen],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['fe80::1:2', 6, (0xfe80n << 112n) | 0x10002n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['::ffff:10.0.0.1', 6, (0xffffn << 32n) | 0x0a000001n],
  ])('reads %s', (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  it.each(['256.0.0.1', '10.0.0', '010.0.0.1', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:::2', '1::2::3', ':1:2', 'fe80::1%eth0', '12345::', 'pod-a', ''])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('parseCidr', () => {
  it('clears host bits as Go does', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, base: 0x0a000000n, prefix: 8 });
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/a', '::/129', 'x/8'])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('contains addresses of its own family only, /0 included', () => {
    const everything = parseCidr('0.0.0.0/0')!;
    expect(cidrContains(everything, parseIp('203.0.113.9')!)).toBe(true);
    expect(cidrContains(everything, parseIp('::1')!)).toBe(false);
    const single = parseCidr('169.254.169.254/32')!;
    expect(cidrContains(single, parseIp('169.254.169.254')!)).toBe(true);
    expect(cidrContains(single, parseIp('169.254.169.255')!)).toBe(false);
  });

  it('knows when an except block lies strictly inside its cidr', () => {
    const outer = parseCidr('10.0.0.0/8')!;
    expect(cidrStrictlyInside(parseCidr('10.1.0.0/16')!, outer)).toBe(true);
    expect(cidrStrictlyInside(parseCidr('10.0.0.0/8')!, outer)).toBe(false);
    expect(cidrStrictlyInside(parseCidr('11.0.0.0/16')!, outer)).toBe(false);
  });
});
