import type { Command } from 'commander';
import { ExitCode, LabError } from '../errors.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';
import { sessionFor } from './lab.js';

/** `submit <id> [flag]`: the proof that the learner performed the attack. Needs no cluster. */
export const submitCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('submit')
      .description('submit an attack flag you found (K8SLAB{...}); exit 0 right, 1 wrong')
      .argument('<id>', 'scenario id (see `list`)')
      .argument('[flag]', 'the flag; omit it (or give -) to read it from stdin, so it never sits in your shell history')
      .option('--json', 'print JSON')
      .action(
        action(ctx, async (id: string, given: string | undefined, options: { json?: boolean }) => {
          const session = sessionFor(ctx.io);
          const scenario = await session.scenario(id);
          const value = given === undefined || given === '-' ? await flagFromStdin(ctx) : given;
          const outcome = await session.submit(scenario, value);
          if (options.json) {
            writeJson(ctx.io.stdout, { scenario: id, correct: outcome.flag !== undefined, flag: outcome.flag?.id ?? null, captured: outcome.captured, total: outcome.total });
            return outcome.flag ? ExitCode.ok : ExitCode.fail;
          }
          const { color } = ctx.io;
          if (!outcome.flag) {
            writeLine(ctx.io.stdout, `${color.red('No:')} that is not a flag of this run of ${id}. Perform the attack from the briefing (k8s-sec-lab show ${id}), or ask for a hint: k8s-sec-lab hint ${id}`);
            return ExitCode.fail;
          }
          writeLine(ctx.io.stdout, `${color.green('Yes:')} "${outcome.flag.title}" (${outcome.captured} of ${outcome.total} flags). The attack works.`);
          if (outcome.captured === outcome.total) writeLine(ctx.io.stdout, `Now fix it so the attack stops, then: k8s-sec-lab check ${id}`);
          return ExitCode.ok;
        }),
      );
  },
};

async function flagFromStdin(ctx: CommandContext): Promise<string> {
  if (ctx.io.interactive) {
    const typed = (await ctx.io.prompt('flag: ')).trim();
    if (typed) return typed;
  } else {
    const piped = (await ctx.io.readStdin()).trim();
    if (piped) return piped;
  }
  throw new LabError('no flag was given', { fix: 'pass it as an argument, or pipe it in: echo "K8SLAB{...}" | k8s-sec-lab submit <id>' });
}
