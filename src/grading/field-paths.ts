import { isDeepStrictEqual } from 'node:util';
import { parsePath } from './field-path-syntax.js';
import type { ExpectationSpec } from './fields.js';

/** A value found at a path, with the concrete path it was found at (wildcards resolved). */
export interface Found {
  path: string;
  value: unknown;
}

/**
 * Every value at the path: one per wildcard element, `undefined` where a
 * field is missing (so "every container sets X" fails for a container that
 * does not), nothing for a wildcard over an empty or missing list.
 */
export function valuesAt(object: unknown, path: string): Found[] {
  let current: Found[] = [{ path: '', value: object }];
  for (const segment of parsePath(path)) {
    const next: Found[] = [];
    for (const { path: at, value } of current) {
      if ('wildcard' in segment) {
        if (Array.isArray(value)) value.forEach((item, index) => next.push({ path: `${at}[${index}]`, value: item }));
      } else if ('index' in segment) {
        next.push({ path: `${at}[${segment.index}]`, value: Array.isArray(value) ? value[segment.index] : undefined });
      } else {
        const key = segment.key;
        const child = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
        next.push({ path: /^[A-Za-z_][\w-]*$/.test(key) ? (at ? `${at}.${key}` : key) : `${at}["${key}"]`, value: child });
      }
    }
    current = next;
  }
  return current;
}

export interface ExpectationOutcome {
  ok: boolean;
  /** The first value that broke the expectation, or a note that nothing was found. */
  path: string;
  observed: string;
  expected: string;
}

/** Checks that EVERY value at the path satisfies the expectation (none found fails, except `absent`). */
export function checkExpectation(object: unknown, expectation: ExpectationSpec): ExpectationOutcome {
  const found = valuesAt(object, expectation.path);
  const expected = expectation.description ?? describeExpectation(expectation);
  if (found.length === 0) {
    return { ok: expectation.op === 'absent', path: expectation.path, observed: 'nothing at this path', expected };
  }
  for (const { path, value } of found) {
    if (!satisfies(value, expectation)) return { ok: false, path, observed: show(value), expected };
  }
  return { ok: true, path: expectation.path, observed: found.map(({ value }) => show(value)).join(', '), expected };
}

function satisfies(value: unknown, expectation: ExpectationSpec): boolean {
  const { op } = expectation;
  const wanted = 'value' in expectation ? expectation.value : undefined;
  switch (op) {
    case 'equals':
      return isDeepStrictEqual(value, wanted);
    case 'notEquals':
      return !isDeepStrictEqual(value, wanted);
    case 'exists':
      return value !== undefined && value !== null;
    case 'absent':
      return value === undefined || value === null;
    case 'in':
      return Array.isArray(wanted) && wanted.some((candidate) => isDeepStrictEqual(candidate, value));
    case 'notIn':
      return Array.isArray(wanted) && !wanted.some((candidate) => isDeepStrictEqual(candidate, value));
    case 'gte':
      return typeof value === 'number' && typeof wanted === 'number' && value >= wanted;
    case 'lte':
      return typeof value === 'number' && typeof wanted === 'number' && value <= wanted;
    case 'contains':
      return contains(value, wanted);
    case 'notContains':
      return value !== undefined && value !== null && !contains(value, wanted);
    case 'matches':
      return typeof value === 'string' && typeof wanted === 'string' && new RegExp(wanted).test(value);
  }
}

function contains(value: unknown, wanted: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => isDeepStrictEqual(item, wanted));
  return typeof value === 'string' && typeof wanted === 'string' && value.includes(wanted);
}

function describeExpectation(expectation: ExpectationSpec): string {
  const { op } = expectation;
  const value = 'value' in expectation ? expectation.value : undefined;
  const shown = show(value);
  switch (op) {
    case 'equals':
      return shown;
    case 'notEquals':
      return `anything but ${shown}`;
    case 'exists':
      return 'set';
    case 'absent':
      return 'not set';
    case 'in':
      return `one of ${shown}`;
    case 'notIn':
      return `none of ${shown}`;
    case 'gte':
      return `>= ${shown}`;
    case 'lte':
      return `<= ${shown}`;
    case 'contains':
      return `contains ${shown}`;
    case 'notContains':
      return `does not contain ${shown}`;
    case 'matches':
      return `matches /${String(value)}/`;
  }
}

/** Compact JSON for messages; `undefined` reads as "not set". */
export function show(value: unknown): string {
  if (value === undefined) return 'not set';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
