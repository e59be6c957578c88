/**
 * Reads untrusted pod JSON the way upstream reads a decoded Pod: a missing or
 * non-object value where an object belongs is nil (read here as absent), and a
 * non-list where a list belongs is empty. Scalars are passed to the checks as
 * found, and every check allows only the values upstream allows, so a value of
 * the wrong type fails closed.
 */
export type JsonObject = Readonly<Record<string, unknown>>;

export function objectOrUndefined(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

const emptyObject: JsonObject = Object.freeze({});

export function objectOrEmpty(value: unknown): JsonObject {
  return objectOrUndefined(value) ?? emptyObject;
}

export function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Absent in JSON terms: missing or null. */
export function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** Allowed values of a "must not be true" field: false or unset. */
export function isUnsetOrFalse(value: unknown): boolean {
  return isUnset(value) || value === false;
}

/** Allowed values of a "must be empty" string field: "" or unset. */
export function isUnsetOrEmpty(value: unknown): boolean {
  return isUnset(value) || value === '';
}

/** A value as it should appear in a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

/** `"a", "b"` like upstream's joinQuote. */
export function quoteAll(items: readonly unknown[]): string {
  return items.map((item) => JSON.stringify(item)).join(', ');
}
