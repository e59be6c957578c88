import { createInterface } from 'node:readline';
import { recordCheck, recordHint } from '../../../src/progress/record.js';
import { ProgressStore } from '../../../src/progress/store.js';

// One of the processes of the concurrency test: says "ready", waits for a line
// on stdin (so both processes start updating at the same moment), then records
// argv[4] checks of the shared scenario and one hint of a scenario of its own.
const [path, name, count] = process.argv.slice(2);
const store = new ProgressStore(path!, (message) => process.stderr.write(`${message}\n`));
process.stdout.write('ready\n');
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
for (let i = 0; i < Number(count); i++) {
  await recordCheck(store, 'shared', 'fail');
}
await recordHint(store, `own-${name}`, 'a-check');
process.stdout.write('done\n');
process.exit(0);
