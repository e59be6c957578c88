import { basename, commandLine, literal, type Arg } from './arg.js';
import type { ContainerArgv } from './argv.js';
import type { EnvLookup } from './env.js';
import { simpleCommands } from './shell.js';

/** A program the lab reads the arguments of. */
export interface ProgramMatcher {
  /** The executable's file name, e.g. `kubectl`: `/usr/local/bin/kubectl` and `kubectl` are both it. */
  executable: string;
  /** Images whose ENTRYPOINT is the program, so a container that sets only `args` runs it. */
  images: RegExp;
}

export interface Invocation {
  /** The words after the program. */
  args: Arg[];
  /** The program and its words, as a learner would type them. */
  line: string;
  /** `sh -c` when a shell runs it. */
  via?: string;
}

export interface InvocationSearch {
  invocations: Invocation[];
  /** Places where the program may run with words the lab cannot know (`$K proxy`, a script from a Secret). */
  unclear: string[];
}

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'ksh', 'mksh', 'zsh']);
const maxDepth = 4;

/**
 * Every place a container's argv starts the program: as the process itself,
 * behind wrappers (`tini --`, `env X=1`, `nohup`, `timeout 1h`: any word
 * named like the program starts it, and the words after it are its
 * arguments), as the image's entrypoint, or in a shell's `-c` string or an
 * `eval`, at any depth.
 */
export function findInvocations(container: ContainerArgv, image: string, env: EnvLookup, program: ProgramMatcher): InvocationSearch {
  const search: InvocationSearch = { invocations: [], unclear: [] };
  const words = container.entrypointFromImage && program.images.test(image) ? [literal(program.executable), ...container.argv.slice(1)] : container.argv;
  scan(words, undefined, 0);
  return search;

  function scan(words: readonly Arg[], via: string | undefined, depth: number): void {
    for (let index = 0; index < words.length; index++) {
      const word = words[index]!;
      const name = basename(word.text);
      if (name === program.executable || (!word.known && word.text.includes(program.executable))) {
        const args = words.slice(index + 1);
        if (!word.known) {
          search.unclear.push(`cannot tell which program ${word.text} is`);
        } else {
          search.invocations.push({ args, line: commandLine([literal(program.executable), ...args]), ...(via ? { via } : {}) });
        }
        return;
      }
      if (!word.known) continue;
      if (shells.has(name) || name === 'eval') {
        const script = name === 'eval' ? joined(words.slice(index + 1)) : shellScript(words.slice(index + 1));
        if (!script) return;
        if (!script.known) {
          if (script.text.includes(program.executable)) search.unclear.push(`cannot tell what ${name} runs in ${JSON.stringify(script.text)}`);
          return;
        }
        if (depth >= maxDepth) {
          search.unclear.push(`shells nested more than ${maxDepth} deep`);
          return;
        }
        for (const command of simpleCommands(script.text, env)) scan(command, `${name} -c`, depth + 1);
        return;
      }
    }
  }
}

/** eval joins its arguments with spaces and runs the result as a script. */
function joined(words: readonly Arg[]): Arg {
  const text = words.map((word) => word.text).join(' ');
  return words.every((word) => word.known) ? literal(text) : { text, known: false, knownPrefix: 0 };
}

/**
 * The command string of `sh [options] -c string [name [args...]]`: the first
 * operand once `-c` is among the options (`-c`, `-ec`, `-e -c`, `-lc`).
 * Undefined when the shell runs a script file or reads standard input.
 */
export function shellScript(args: readonly Arg[]): Arg | undefined {
  let command = false;
  for (let index = 0; index < args.length; index++) {
    const text = args[index]!.text;
    if (text === '--' || text === '-') return command ? args[index + 1] : undefined;
    if (/^[-+][^-]/.test(text)) {
      const letters = text.slice(1);
      if (letters.includes('c')) command = true;
      if (letters.endsWith('o') || letters.endsWith('O')) index++;
      continue;
    }
    if (text.startsWith('--')) {
      if (text === '--rcfile' || text === '--init-file') index++;
      continue;
    }
    return command ? args[index] : undefined;
  }
  return undefined;
}
