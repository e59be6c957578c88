import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What progress keeps of a flag: a salted hash of this run's value, never the value. */
export interface FlagRecord {
  salt: string;
  hash: string;
  capturedAt?: string;
}

export function hashFlag(value: string, salt: string): string {
  return createHash('sha256').update(`${salt}\n${value.trim()}`).digest('hex');
}

export function flagRecord(value: string): FlagRecord {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: hashFlag(value, salt) };
}

/** Whether `value` (whitespace around it ignored, as pasted) is the flag this record was made from. */
export function matchesFlag(record: FlagRecord, value: string): boolean {
  const candidate = Buffer.from(hashFlag(value, record.salt), 'hex');
  const expected = Buffer.from(record.hash, 'hex');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
