export type Segment = { key: string } | { index: number } | { wildcard: true };

/**
 * Parses `spec.containers[*].securityContext["seccompProfile"].type`:
 * dotted keys, `[n]` indexes, `[*]` every element, `["a.b/c"]` quoted keys
 * (label and annotation names contain dots and slashes).
 */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|\[\*\]|\["((?:[^"\\]|\\.)*)"\]|\.(?=[^.])/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(path)) !== null) {
    consumed = pattern.lastIndex;
    if (match[1] !== undefined) segments.push({ key: match[1] });
    else if (match[2] !== undefined) segments.push({ index: Number(match[2]) });
    else if (match[3] !== undefined) segments.push({ key: match[3].replace(/\\(.)/g, '$1') });
    else if (match[0] === '[*]') segments.push({ wildcard: true });
  }
  if (consumed !== path.length || segments.length === 0) throw new Error(`invalid field path "${path}"`);
  return segments;
}

