import type { ReachabilityMatrix } from '../../engines/network-policy/index.js';
import { mark, type Paint } from './paint.js';

const targetWidth = 80;
const minNameWidth = 12;

/**
 * A pod-to-pod grid a learner reads at a glance: rows are sources, numbered
 * columns the same pods as destinations. Names are cut to keep small clusters
 * within 80 columns; when any is cut, a numbered legend gives them in full.
 */
export function matrixText(matrix: ReachabilityMatrix, paint: Paint): string {
  const names = matrix.pods.map((pod) => `${pod.namespace}/${pod.name}`);
  const indexWidth = String(names.length).length;
  const number = (index: number) => String(index + 1).padStart(indexWidth);
  const cellsWidth = names.length * (indexWidth + 1);
  const longest = Math.max(0, ...names.map((name) => name.length));
  const nameWidth = Math.max(Math.min(longest, targetWidth - indexWidth - 2 - cellsWidth), Math.min(longest, minNameWidth));
  const padding = ' '.repeat(indexWidth - 1);
  let allowedPairs = 0;
  const rows = names.map((name, from) => {
    const cells = names.map((_, to) => {
      const allowed = matrix.allowed(from, to);
      if (allowed) allowedPairs++;
      return padding + mark(paint, allowed);
    });
    return `${number(from)}  ${fit(name, nameWidth)} ${cells.join(' ')}`;
  });
  const lines = [
    paint.bold(`${matrix.protocol} ${matrix.port} — rows: from, columns: to (numbered as the rows)`),
    '',
    paint.dim(`${' '.repeat(indexWidth + 2 + nameWidth)} ${names.map((_, index) => number(index)).join(' ')}`),
    ...rows,
    '',
    `${mark(paint, true)} allowed  ${mark(paint, false)} denied  ${paint.dim(`— ${allowedPairs} of ${names.length ** 2} pairs allowed`)}`,
  ];
  if (names.some((name) => name.length > nameWidth)) {
    lines.push('', paint.dim('pods:'), ...names.map((name, index) => `${number(index)}  ${name}`));
  }
  return lines.join('\n');
}

function fit(name: string, width: number): string {
  return name.length <= width ? name.padEnd(width) : `${name.slice(0, width - 1)}…`;
}
