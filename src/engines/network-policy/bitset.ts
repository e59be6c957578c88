/** A fixed-size set of small integers (pod indexes), 32 per word. */
export type Bitset = Uint32Array;

export function emptyBitset(size: number): Bitset {
  return new Uint32Array((size + 31) >>> 5);
}

/** Bits past `size` are set too; readers only ask about indexes below it. */
export function fullBitset(size: number): Bitset {
  return emptyBitset(size).fill(0xffffffff);
}

export function setBit(set: Bitset, index: number): void {
  set[index >>> 5]! |= 1 << (index & 31);
}

export function hasBit(set: Bitset, index: number): boolean {
  return ((set[index >>> 5]! >>> (index & 31)) & 1) === 1;
}

export function orInto(target: Bitset, source: Bitset): void {
  for (let word = 0; word < target.length; word++) target[word]! |= source[word]!;
}

export function intersection(a: Bitset, b: Bitset): Bitset {
  const result = new Uint32Array(a.length);
  for (let word = 0; word < a.length; word++) result[word] = a[word]! & b[word]!;
  return result;
}
