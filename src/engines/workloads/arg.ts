/**
 * One word a program receives, as far as the lab can know it from the spec.
 * A value the kubelet or a shell fills in at run time from something the lab
 * does not read (a fieldRef, a Secret, a ConfigMap, `$(hostname -i)`) is
 * unknown: `text` then keeps the reference as written, and only the first
 * `knownPrefix` characters are certain (`--address=` of `--address=$(POD_IP)`).
 */
export interface Arg {
  text: string;
  known: boolean;
  knownPrefix: number;
}

export const literal = (text: string): Arg => ({ text, known: true, knownPrefix: text.length });

export const unknown = (text: string): Arg => ({ text, known: false, knownPrefix: 0 });

/** Joins pieces of one word: known up to the first unknown piece. */
export function concat(pieces: readonly Arg[]): Arg {
  let text = '';
  let knownPrefix = -1;
  for (const piece of pieces) {
    if (knownPrefix < 0 && !piece.known) knownPrefix = text.length + piece.knownPrefix;
    text += piece.text;
  }
  return knownPrefix < 0 ? literal(text) : { text, known: false, knownPrefix };
}

/** The command line as a learner would type it, for messages. */
export function commandLine(args: readonly Arg[]): string {
  return args.map((arg) => (/^[\w@%+=:,./$()-]+$/.test(arg.text) ? arg.text : `'${arg.text.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** The last path segment: `/usr/local/bin/kubectl` -> `kubectl`. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
