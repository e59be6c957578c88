import type { ReachabilityMatrix } from '../../engines/network-policy/index.js';
import { mark, type Paint } from './paint.js';

const targetWidth = 80;
const minNameWidth = 12;

/**
 * A pod-to-pod grid a learner reads at a glance: rows are sources, numbered
 * columns the same pods as destinations. Names are cut to keep small clusters
 * within 80 columns; when any is cut, a numbered legend gives them in full.
 * Yielded in pieces (one per row) so 8,000 pods, some 450 MB of text, stream
 * out instead of becoming one string.
 */
export function* matrixText(matrix: ReachabilityMatrix, paint: Paint): Generator<string | Buffer> {
  const names = matrix.pods.map((pod) => `${pod.namespace}/${pod.name}`);
  const indexWidth = String(names.length).length;
  const number = (index: number) => String(index + 1).padStart(indexWidth);
  const cellsWidth = names.length * (indexWidth + 1);
  const longest = Math.max(0, ...names.map((name) => name.length));
  const nameWidth = Math.max(Math.min(longest, targetWidth - indexWidth - 2 - cellsWidth), Math.min(longest, minNameWidth));
  const padding = ' '.repeat(indexWidth - 1);
  yield `${paint.bold(`${matrix.protocol} ${matrix.port} — rows: from, columns: to (numbered as the rows)`)}\n\n`;
  yield `${paint.dim(`${' '.repeat(indexWidth + 2 + nameWidth)} ${names.map((_, index) => number(index)).join(' ')}`)}\n`;
  const encode = rowEncoder(names.length, {
    allowed: Buffer.from(` ${padding}${mark(paint, true)}`),
    denied: Buffer.from(` ${padding}${mark(paint, false)}`),
    separator: Buffer.alloc(0),
  });
  let allowedPairs = 0;
  for (const [from, name] of names.entries()) {
    const row = encode(matrix.row(from), `${number(from)}  ${fit(name, nameWidth)}`, '\n');
    allowedPairs += row.allowed;
    yield row.bytes;
  }
  yield `\n${mark(paint, true)} allowed  ${mark(paint, false)} denied  ${paint.dim(`— ${allowedPairs} of ${names.length ** 2} pairs allowed`)}\n`;
  if (names.some((name) => name.length > nameWidth)) {
    yield `\n${paint.dim('pods:')}\n`;
    for (const [index, name] of names.entries()) yield `${number(index)}  ${name}\n`;
  }
}

/**
 * The matrix as JSON, `allowed[from][to]` one row a line, in pieces: the
 * whole document of a large matrix is longer than a JavaScript string can be.
 */
export function* matrixJson(matrix: ReachabilityMatrix, podNames: readonly string[]): Generator<string | Buffer> {
  const head = JSON.stringify({ port: matrix.port, protocol: matrix.protocol, pods: podNames }, null, 2);
  yield `${head.slice(0, head.lastIndexOf('\n'))},\n  "allowed": [\n`;
  const encode = rowEncoder(podNames.length, { allowed: Buffer.from(' true'), denied: Buffer.from('false'), separator: Buffer.from(',') });
  for (let from = 0; from < podNames.length; from++) {
    yield encode(matrix.row(from), '    [', from === podNames.length - 1 ? ']\n' : '],\n').bytes;
  }
  yield '  ]\n}\n';
}

interface Cells {
  allowed: Buffer;
  denied: Buffer;
  separator: Buffer;
}

type RowEncoder = (row: Uint8Array, prefix: string, suffix: string) => { bytes: Buffer; allowed: number };

/**
 * Encodes rows of `length` cells as bytes. Printing is the n² part of a large
 * matrix, so each row is a copy of an all-denied template with the differing
 * bytes of each allowed cell patched in: both cells have the same length (for
 * JSON, " true" and "false"), so every cell sits at a fixed offset.
 */
function rowEncoder(length: number, cells: Cells): RowEncoder {
  if (cells.allowed.length !== cells.denied.length) throw new Error('matrix cells must have the same length in bytes');
  const stride = cells.denied.length + cells.separator.length;
  const template = Buffer.alloc(Math.max(0, stride * length - cells.separator.length));
  for (let index = 0; index < length; index++) {
    if (index > 0) cells.separator.copy(template, index * stride - cells.separator.length);
    cells.denied.copy(template, index * stride);
  }
  const differing = [...cells.allowed.keys()].filter((offset) => cells.allowed[offset] !== cells.denied[offset]);
  const patch = differing.map((offset) => cells.allowed[offset]!);
  return (row, prefixText, suffixText) => {
    const prefix = Buffer.from(prefixText);
    const suffix = Buffer.from(suffixText);
    const bytes = Buffer.allocUnsafe(prefix.length + template.length + suffix.length);
    prefix.copy(bytes, 0);
    template.copy(bytes, prefix.length);
    suffix.copy(bytes, prefix.length + template.length);
    let allowed = 0;
    // indexOf jumps from one allowed cell to the next in native code: most cells of a large matrix are denied.
    for (let index = row.indexOf(1); index !== -1; index = row.indexOf(1, index + 1)) {
      allowed++;
      const cell = prefix.length + index * stride;
      for (let at = 0; at < differing.length; at++) bytes[cell + differing[at]!] = patch[at]!;
    }
    return { bytes, allowed };
  };
}

function fit(name: string, width: number): string {
  return name.length <= width ? name.padEnd(width) : `${name.slice(0, width - 1)}…`;
}
