import { concat, literal, unknown, type Arg } from './arg.js';

/**
 * A small POSIX shell lexer: enough of sh to see which commands a `sh -c`
 * string runs and with which words, never to run it. It knows quotes and
 * backslashes, comments, line continuations, `;` `&` `&&` `||` `|` `(` `)`
 * and newlines between commands, redirections (dropped with their target),
 * here-documents (their bodies are data, skipped), `NAME=value` assignments
 * (remembered for later commands, in text order), and `$NAME`, `${NAME}`,
 * `${NAME:-word}` expansions with field splitting of unquoted values. What a
 * shell only knows when it runs (`$(...)`, backquotes, `$1`, `$((...))`, other
 * `${...}` forms) is unknown. Control flow is not followed: every command of
 * every branch and loop is listed once.
 */
export function simpleCommands(script: string, env: (name: string) => Arg | undefined): Arg[][] {
  return new Lexer(script, env).commands();
}

interface Piece {
  arg: Arg;
  /** An unquoted expansion: its value is split into fields on blanks. */
  split: boolean;
}

const operatorStart = new Set([';', '&', '|', '(', ')', '\n']);
const redirection = /^(\d*)(<<-|<<<|<<|<>|<&|>&|>>|>\||&>>|&>|<|>)/;
const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/;
const declarations = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);

class Lexer {
  private at = 0;
  private readonly vars = new Map<string, Arg>();
  private readonly heredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(
    private readonly source: string,
    private readonly env: (name: string) => Arg | undefined,
  ) {}

  commands(): Arg[][] {
    const commands: Arg[][] = [];
    let words: { fields: Arg[]; assigns?: { name: string; value: Arg } }[] = [];
    const end = () => {
      const firstCommandWord = words.findIndex((word) => !word.assigns);
      if (firstCommandWord < 0) {
        for (const word of words) this.vars.set(word.assigns!.name, word.assigns!.value);
      } else if (declarations.has(words[firstCommandWord]!.fields[0]?.text ?? '')) {
        // `export NAME=value`: the same assignment, made visible to child processes.
        for (const field of words.slice(firstCommandWord + 1).flatMap((word) => word.fields)) {
          const name = assignment.exec(field.text)?.[0].slice(0, -1);
          if (name) this.vars.set(name, { ...field, text: field.text.slice(name.length + 1), knownPrefix: Math.max(0, field.knownPrefix - name.length - 1) });
        }
      } else {
        const fields = words.slice(firstCommandWord).flatMap((word) => word.fields);
        if (fields.length > 0) commands.push(fields);
      }
      words = [];
    };
    while (this.at < this.source.length) {
      const char = this.source[this.at]!;
      if (char === ' ' || char === '\t') {
        this.at++;
      } else if (char === '\\' && this.source[this.at + 1] === '\n') {
        this.at += 2;
      } else if (char === '#') {
        while (this.at < this.source.length && this.source[this.at] !== '\n') this.at++;
      } else if (char === '\n') {
        this.at++;
        end();
        this.skipHeredocBodies();
      } else if (this.readRedirection()) {
        continue;
      } else if (operatorStart.has(char)) {
        this.at++;
        end();
      } else {
        const start = this.at;
        const fields = this.readWord();
        const raw = this.source.slice(start, this.at);
        const assigned = assignment.exec(raw);
        if (assigned && words.every((word) => word.assigns)) {
          const name = assigned[0].slice(0, -1);
          const value = fields.length > 0 ? concat(fields) : literal('');
          words.push({ fields, assigns: { name, value: { ...value, text: value.text.slice(name.length + 1), knownPrefix: Math.max(0, value.knownPrefix - name.length - 1) } } });
        } else {
          words.push({ fields });
        }
      }
    }
    end();
    return commands;
  }

  /** A redirection and its target word are the shell's business, not the program's arguments. */
  private readRedirection(): boolean {
    const match = redirection.exec(this.source.slice(this.at));
    if (!match) return false;
    // Digits start a redirection only when the operator follows at once (`2>&1`), never inside a word.
    this.at += match[0].length;
    while (this.source[this.at] === ' ' || this.source[this.at] === '\t') this.at++;
    const start = this.at;
    this.readWord();
    const operator = match[2];
    if (operator === '<<' || operator === '<<-') {
      const delimiter = this.source.slice(start, this.at).replace(/['"\\]/g, '');
      this.heredocs.push({ delimiter, stripTabs: operator === '<<-' });
    }
    return true;
  }

  private skipHeredocBodies(): void {
    for (const { delimiter, stripTabs } of this.heredocs.splice(0)) {
      while (this.at < this.source.length) {
        const newline = this.source.indexOf('\n', this.at);
        const lineEnd = newline < 0 ? this.source.length : newline;
        let line = this.source.slice(this.at, lineEnd);
        if (stripTabs) line = line.replace(/^\t+/, '');
        this.at = lineEnd + 1;
        if (line === delimiter) break;
      }
    }
  }

  /** One word, split into fields where unquoted expansions hold blanks; an unquoted empty expansion alone yields no field. */
  private readWord(): Arg[] {
    const pieces: Piece[] = [];
    let quoted = false;
    while (this.at < this.source.length) {
      const char = this.source[this.at]!;
      if (char === ' ' || char === '\t' || operatorStart.has(char) || char === '<' || char === '>') break;
      if (char === '\\') {
        const next = this.source[this.at + 1];
        this.at += 2;
        if (next !== undefined && next !== '\n') pieces.push({ arg: literal(next), split: false });
        quoted = true;
      } else if (char === "'") {
        const close = this.source.indexOf("'", this.at + 1);
        const end = close < 0 ? this.source.length : close;
        pieces.push({ arg: literal(this.source.slice(this.at + 1, end)), split: false });
        this.at = end + 1;
        quoted = true;
      } else if (char === '"') {
        this.at++;
        pieces.push(...this.readDoubleQuoted());
        quoted = true;
      } else if (char === '$' || char === '`') {
        pieces.push({ arg: this.readExpansion(), split: true });
      } else {
        pieces.push({ arg: literal(char), split: false });
        this.at++;
      }
    }
    return fields(pieces, quoted);
  }

  private readDoubleQuoted(): Piece[] {
    const pieces: Piece[] = [];
    while (this.at < this.source.length && this.source[this.at] !== '"') {
      const char = this.source[this.at]!;
      if (char === '\\' && '$`"\\\n'.includes(this.source[this.at + 1] ?? '')) {
        const next = this.source[this.at + 1]!;
        if (next !== '\n') pieces.push({ arg: literal(next), split: false });
        this.at += 2;
      } else if (char === '$' || char === '`') {
        pieces.push({ arg: this.readExpansion(), split: false });
      } else {
        pieces.push({ arg: literal(char), split: false });
        this.at++;
      }
    }
    this.at++;
    return pieces;
  }

  private readExpansion(): Arg {
    const start = this.at;
    const char = this.source[this.at]!;
    if (char === '`') {
      let end = this.at + 1;
      while (end < this.source.length && this.source[end] !== '`') end += this.source[end] === '\\' ? 2 : 1;
      this.at = end + 1;
      return unknown(this.source.slice(start, this.at));
    }
    const next = this.source[this.at + 1];
    if (next === '(') {
      this.at = matchingClose(this.source, this.at + 1) + 1;
      return unknown(this.source.slice(start, this.at));
    }
    if (next === '{') {
      const close = this.source.indexOf('}', this.at);
      this.at = close < 0 ? this.source.length : close + 1;
      return this.parameter(this.source.slice(start + 2, this.at - 1), this.source.slice(start, this.at));
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.source.slice(this.at + 1))?.[0];
    if (name) {
      this.at += 1 + name.length;
      return this.value(name) ?? literal('');
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.at += 2;
      return unknown(`$${next}`);
    }
    this.at++;
    return literal('$');
  }

  /** `${NAME}`, `${NAME-word}`, `${NAME:-word}`; any other form is unknown. */
  private parameter(body: string, raw: string): Arg {
    const form = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-(.*))?$/s.exec(body);
    if (!form) return unknown(raw);
    const [, name, colon, fallback] = form;
    const value = this.value(name!);
    if (fallback === undefined) return value ?? literal('');
    if (value && !value.known) return unknown(raw);
    const useFallback = value === undefined || (colon === ':' && value.text === '');
    if (!useFallback) return value!;
    return /[$`\\'"]/.test(fallback) ? unknown(raw) : literal(fallback);
  }

  private value(name: string): Arg | undefined {
    const value = this.vars.get(name) ?? this.env(name);
    return value && !value.known ? unknown(`$${name}`) : value;
  }
}

/** Index of the `)` that closes the `(` at `open`, skipping nested parentheses and quotes. */
function matchingClose(source: string, open: number): number {
  let depth = 0;
  for (let index = open; index < source.length; index++) {
    const char = source[index];
    if (char === "'" || char === '"') {
      const close = source.indexOf(char, index + 1);
      index = close < 0 ? source.length : close;
    } else if (char === '(') {
      depth++;
    } else if (char === ')' && --depth === 0) {
      return index;
    }
  }
  return source.length;
}

function fields(pieces: readonly Piece[], quoted: boolean): Arg[] {
  const result: Arg[][] = [[]];
  for (const piece of pieces) {
    if (!piece.split || !piece.arg.known) {
      result[result.length - 1]!.push(piece.arg);
      continue;
    }
    const parts = piece.arg.text.split(/[ \t\n]+/);
    parts.forEach((part, index) => {
      if (index > 0) result.push([]);
      if (part !== '') result[result.length - 1]!.push(literal(part));
    });
  }
  return result
    .filter((field, index) => field.some((arg) => arg.text !== '' || !arg.known) || (quoted && result.length === 1 && index === 0))
    .map((field) => concat(field));
}
