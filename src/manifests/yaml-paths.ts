import { isMap, isSeq, type Document } from 'yaml';

/** `checks[2].hints.nudge` from zod's ['checks', 2, 'hints', 'nudge']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** Where the deepest node on `path` that exists starts, so a missing field points at its parent. */
export function offsetOfPath(document: Document, path: readonly PropertyKey[]): number {
  let node: unknown = document.contents;
  let offset = 0;
  for (const key of path) {
    if (!isMap(node) && !isSeq(node)) break;
    const next: unknown = node.get(key as string | number, true);
    if (next === undefined) break;
    node = next;
    const range = (node as { range?: [number, number, number] }).range;
    if (range) offset = range[0];
  }
  return offset;
}
