import { performance } from 'node:perf_hooks';

/** One benchmark row: the subject's time next to a baseline timed in the same run. */
export interface BenchRow {
  name: string;
  ms: number;
  baselineName: string;
  baselineMs: number;
  /** Absolute goal from the issue, when there is one. */
  goalMs?: number;
}

/** A benchmark file exports `bench`, which returns its rows. */
export type BenchSuite = () => Promise<BenchRow[]>;

/**
 * Median wall time of `runs` calls after `warmup` unmeasured ones. The median
 * resists the noise of a shared machine better than the mean.
 */
export async function medianMs(fn: () => unknown, options: { runs?: number; warmup?: number } = {}): Promise<number> {
  const runs = options.runs ?? 5;
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

export function formatRows(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'time', 'baseline', 'ratio', 'goal'];
  const lines = rows.map((row) => [
    row.name,
    `${row.ms.toFixed(1)} ms`,
    `${row.baselineName} ${row.baselineMs.toFixed(1)} ms`,
    `${(row.ms / row.baselineMs).toFixed(2)}x`,
    row.goalMs === undefined ? '-' : `${row.ms <= row.goalMs ? 'met' : 'MISSED'} (<= ${row.goalMs.toFixed(0)} ms)`,
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column]!.length)));
  return [header, ...lines].map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}
