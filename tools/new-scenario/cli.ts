import { Command } from 'commander';
import { reportError } from '../../src/program.js';
import { processIO } from '../../src/commands/io.js';
import { createScenario } from './create.js';

const program = new Command('new:scenario')
  .description('Create a scenario from the commented template: scenario.yaml, briefing, debrief, setup, solution, attack, and its integration test; adds it to its track.')
  .argument('<id>', 'the scenario id, a lowercase DNS label (also its folder name)')
  .requiredOption('--track <track>', 'the track in labs/tracks.yaml the scenario joins (appended at its end)')
  .option('--title <title>', 'the title shown in the scenario list')
  .option('--namespace <name>', 'the namespace the scenario owns (default: the id)')
  .action(async (id: string, options: { track: string; title?: string; namespace?: string }) => {
    const written = await createScenario({ id, root: process.cwd(), ...options });
    for (const file of written) process.stdout.write(`created ${file}\n`);
    process.stdout.write(`\nNext: write the story, then prove it: npm run lint:scenarios && npx vitest run --project integration test/integration/scenarios/${id}.test.ts\n`);
  });

try {
  await program.parseAsync();
} catch (error) {
  process.exitCode = reportError(processIO({ color: Boolean(process.stderr.isTTY) }), error);
}
