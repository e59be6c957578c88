import type { Arg } from './arg.js';

/** One flag as a Go program declares it with spf13/pflag. */
export interface FlagSpec {
  name: string;
  shorthand?: string;
  /** `bool` flags take no separate value (`--flag` means true, `--flag false` is true plus an argument "false"). */
  type: 'bool' | 'value';
  default?: string;
}

export interface ParsedFlags {
  ok: true;
  /** Each flag set on the command line, the last occurrence winning, as pflag keeps it. */
  values: Map<string, Arg>;
  positionals: Arg[];
}

export interface FlagProblem {
  ok: false;
  problem: string;
}

export type FlagParse = ParsedFlags | FlagProblem;

export interface FlagTable {
  byName: Map<string, FlagSpec>;
  byShorthand: Map<string, FlagSpec>;
  /** cobra's kubectl replaces `_` by `-` in flag names (cliflag.WordSepNormalizeFunc). */
  normalize: (name: string) => string;
}

export function flagTable(specs: readonly FlagSpec[], normalize: (name: string) => string = (name) => name): FlagTable {
  return {
    byName: new Map(specs.map((spec) => [spec.name, spec])),
    byShorthand: new Map(specs.filter((spec) => spec.shorthand).map((spec) => [spec.shorthand!, spec])),
    normalize,
  };
}

const problem = (text: string): FlagProblem => ({ ok: false, problem: text });

/**
 * Parses arguments the way pflag's FlagSet.Parse does with interspersed
 * arguments: `--flag=value`, `--flag value`, bool `--flag` (and `--flag=false`),
 * `-x value`, `-xvalue`, `-x=value`, grouped bool shorthands (`-ab`), `--`
 * ending the flags. An unknown flag, a missing value or an invalid bool is a
 * problem (the program would exit with a usage error). A word the lab cannot
 * know where a flag could be is a problem too: it might be any flag.
 */
export function parseFlags(args: readonly Arg[], table: FlagTable): FlagParse {
  const values = new Map<string, Arg>();
  const positionals: Arg[] = [];
  const set = (spec: FlagSpec, value: Arg): FlagProblem | undefined => {
    if (spec.type === 'bool' && value.known && parseBool(value.text) === undefined) {
      return problem(`invalid argument "${value.text}" for "--${spec.name}" flag: not a bool`);
    }
    values.set(spec.name, value);
    return undefined;
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const text = arg.text;
    if (!arg.known && arg.knownPrefix === 0) return problem(`cannot tell which flags ${text} holds`);
    if (text.length < 2 || !text.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (text === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    const takeNext = (): Arg | undefined => {
      const next = args[index + 1];
      if (next) index++;
      return next;
    };
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      if (!arg.known && (equals < 0 || equals >= arg.knownPrefix)) return problem(`cannot tell which flag ${text} is`);
      const name = table.normalize(equals < 0 ? text.slice(2) : text.slice(2, equals));
      if (name === '' || name.startsWith('-') || name.startsWith('=')) return problem(`bad flag syntax: ${text}`);
      const spec = table.byName.get(name);
      if (!spec) return problem(`unknown flag: --${name}`);
      let value: Arg | undefined;
      if (equals >= 0) value = { text: text.slice(equals + 1), known: arg.known, knownPrefix: Math.max(0, arg.knownPrefix - equals - 1) };
      else if (spec.type === 'bool') value = { text: 'true', known: true, knownPrefix: 4 };
      else value = takeNext();
      if (!value) return problem(`flag needs an argument: --${name}`);
      const failed = set(spec, value);
      if (failed) return failed;
      continue;
    }
    // Shorthands: -abc, -p8001, -p=8001, -p 8001.
    let rest = 1;
    while (rest < text.length) {
      if (!arg.known && rest >= arg.knownPrefix) return problem(`cannot tell which flags ${text} holds`);
      const letter = text[rest]!;
      const spec = table.byShorthand.get(letter);
      if (!spec) return problem(`unknown shorthand flag: '${letter}' in ${text}`);
      const after = text.slice(rest + 1);
      const fromHere = (start: number): Arg => ({ text: text.slice(start), known: arg.known, knownPrefix: Math.max(0, arg.knownPrefix - start) });
      let value: Arg | undefined;
      if (after.length > 1 && after[0] === '=') {
        value = fromHere(rest + 2);
        rest = text.length;
      } else if (spec.type === 'bool') {
        value = { text: 'true', known: true, knownPrefix: 4 };
        rest++;
      } else if (after.length > 0) {
        value = fromHere(rest + 1);
        rest = text.length;
      } else {
        value = takeNext();
        rest = text.length;
        if (!value) return problem(`flag needs an argument: '${letter}' in ${text}`);
      }
      const failed = set(spec, value);
      if (failed) return failed;
    }
  }
  return { ok: true, values, positionals };
}

/** Go's strconv.ParseBool. */
export function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/**
 * The first command word, found the way cobra's Find strips flags: `--flag`
 * without `=` and `-x` consume the next word unless they are bool flags.
 * Returns the remaining arguments without that word, or a problem when an
 * unknown flag or an unknown word stands before it.
 */
export function splitSubcommand(args: readonly Arg[], table: FlagTable): { ok: true; command: Arg | undefined; rest: Arg[] } | FlagProblem {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const text = arg.text;
    if (!arg.known && arg.knownPrefix === 0) return problem(`cannot tell which command ${text} is`);
    if (text === '--') return { ok: true, command: undefined, rest: [...args] };
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const spec = table.byName.get(table.normalize(equals < 0 ? text.slice(2) : text.slice(2, equals)));
      if (!spec) return problem(`unknown flag: ${equals < 0 ? text : text.slice(0, equals)}`);
      if (equals < 0 && spec.type !== 'bool') index++;
    } else if (text.startsWith('-') && text.length > 1) {
      const spec = table.byShorthand.get(text[1]!);
      if (!spec) return problem(`unknown shorthand flag: '${text[1]}' in ${text}`);
      if (text.length === 2 && spec.type !== 'bool') index++;
    } else if (text !== '') {
      return { ok: true, command: arg, rest: [...args.slice(0, index), ...args.slice(index + 1)] };
    }
  }
  return { ok: true, command: undefined, rest: [...args] };
}
