import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatRows, type BenchRow, type BenchSuite } from './harness.js';

// Runs every bench/*.bench.ts (or those named on the command line) and prints one table.
const benchDir = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(benchDir))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

const rows: BenchRow[] = [];
for (const file of files) {
  process.stderr.write(`running ${file}\n`);
  const { bench } = (await import(pathToFileURL(join(benchDir, file)).href)) as { bench: BenchSuite };
  rows.push(...(await bench()));
}
process.stdout.write(`${formatRows(rows)}\n`);
