import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { medianMs, type BenchRow, type BenchSuite } from './harness.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * Process start-up of the built CLI against `node -e 0` in the same run: the
 * floor every Node program pays. Goals: --version within 2x, list --json
 * within 3x. Build first (npm run build); the catalogue cache is warmed once.
 */
export const bench: BenchSuite = async (): Promise<BenchRow[]> => {
  const env = { ...process.env, K8S_SEC_LAB_HOME: await mkdtemp(join(tmpdir(), 'bench-home-')), NO_COLOR: '1' };
  const node = (args: string[]) => () => run(process.execPath, args, { env });
  await node([cli, 'list', '--json'])();
  const options = { runs: 15, warmup: 3 };
  const baseline = await medianMs(node(['-e', '0']), options);
  const version = await medianMs(node([cli, '--version']), options);
  const list = await medianMs(node([cli, 'list', '--json']), options);
  return [
    { name: 'k8s-sec-lab --version', ms: version, baselineName: 'node -e 0', baselineMs: baseline, goalMs: 2 * baseline },
    { name: 'k8s-sec-lab list --json', ms: list, baselineName: 'node -e 0', baselineMs: baseline, goalMs: 3 * baseline },
  ];
};
