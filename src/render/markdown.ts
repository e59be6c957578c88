import { Chalk, type ChalkInstance } from 'chalk';
import { Lexer, type Token, type Tokens } from 'marked';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/**
 * Briefings and debriefs are Markdown; marked parses them and this renders
 * the tokens for a terminal: headings, paragraphs reflowed to `width`, nested
 * lists, code blocks kept verbatim, quotes, tables, links with their URLs.
 * Written here rather than taken from marked-terminal, which prints list
 * items without their inline formatting under current marked (its issue
 * #304) and loads a syntax highlighter (~30 MB resident) the lab never uses.
 */
export function renderMarkdown(markdown: string, options: { width: number; color: boolean }): string {
  const style = new Chalk({ level: options.color ? 1 : 0 });
  return blocks(Lexer.lex(markdown), { style, width: Math.max(20, options.width) }).join('\n\n').trimEnd();
}

interface Context {
  style: ChalkInstance;
  width: number;
}

function blocks(tokens: readonly Token[], ctx: Context): string[] {
  return tokens.flatMap((token) => {
    const rendered = block(token, ctx);
    return rendered === undefined ? [] : [rendered];
  });
}

function block(token: Token, ctx: Context): string | undefined {
  const { style, width } = ctx;
  switch (token.type) {
    case 'heading': {
      const { depth, tokens } = token as Tokens.Heading;
      const text = inline(tokens, ctx);
      return depth === 1 ? style.bold.underline(text) : style.bold(`${'#'.repeat(depth)} ${text}`);
    }
    case 'paragraph':
    case 'text':
      return wrap(inline((token as Tokens.Paragraph).tokens ?? [], ctx) || (token as Tokens.Text).text, width);
    case 'list':
      return list(token as Tokens.List, ctx);
    case 'code':
      return indent(style.cyan((token as Tokens.Code).text), '  ');
    case 'blockquote':
      return indent(blocks((token as Tokens.Blockquote).tokens, { ...ctx, width: width - 2 }).join('\n\n'), style.dim('│ '));
    case 'table':
      return table(token as Tokens.Table, ctx);
    case 'hr':
      return style.dim('─'.repeat(Math.min(width, 40)));
    case 'html':
      return (token as Tokens.HTML).text.trimEnd();
    case 'space':
      return undefined;
    default:
      return 'raw' in token ? String(token.raw).trimEnd() : undefined;
  }
}

function list(token: Tokens.List, ctx: Context): string {
  const start = typeof token.start === 'number' ? token.start : 1;
  const items = token.items.map((item, index) => {
    const bullet = token.ordered ? `${start + index}.` : '•';
    const pad = ' '.repeat(bullet.length + 1);
    // A task item's checkbox is a token of its own: drawn here, in front of the text.
    const content = item.tokens.filter((child) => child.type !== 'checkbox');
    const body = blocks(content, { ...ctx, width: ctx.width - pad.length - 2 }).join(item.loose ? '\n\n' : '\n');
    const checkbox = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
    return indent(`${checkbox}${body}`, pad).replace(pad, `${bullet} `);
  });
  return indent(items.join(token.loose ? '\n\n' : '\n'), '  ');
}

function table(token: Tokens.Table, ctx: Context): string {
  const rows = [token.header, ...token.rows].map((row) => row.map((cell) => inline(cell.tokens, ctx)));
  const widths = token.header.map((_, column) => Math.max(...rows.map((row) => stringWidth(row[column] ?? ''))));
  const line = (row: string[]) => row.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - stringWidth(cell))).join('  ');
  const [header, ...body] = rows;
  return [ctx.style.bold(line(header ?? [])), ctx.style.dim(widths.map((w) => '─'.repeat(w)).join('  ')), ...body.map(line)].join('\n');
}

function inline(tokens: readonly Token[], ctx: Context): string {
  const { style } = ctx;
  return tokens
    .map((token) => {
      switch (token.type) {
        case 'strong':
          return style.bold(inline((token as Tokens.Strong).tokens, ctx));
        case 'em':
          return style.italic(inline((token as Tokens.Em).tokens, ctx));
        case 'del':
          return style.strikethrough(inline((token as Tokens.Del).tokens, ctx));
        case 'codespan':
          return style.yellow((token as Tokens.Codespan).text);
        case 'link': {
          const { href, tokens: label } = token as Tokens.Link;
          const text = inline(label, ctx);
          return text === href ? style.underline(href) : `${text} ${style.dim(`(${href})`)}`;
        }
        case 'br':
          return '\n';
        case 'text':
          // A newline inside a paragraph is soft: the paragraph is reflowed to the width anyway.
          return 'tokens' in token && token.tokens ? inline(token.tokens, ctx) : decode((token as Tokens.Text).text).replace(/\n/g, ' ');
        case 'escape':
          return (token as Tokens.Escape).text;
        default:
          return 'raw' in token ? String(token.raw) : '';
      }
    })
    .join('');
}

/** marked keeps HTML entities (&quot; &amp; ...) in text; a terminal wants the characters. */
function decode(text: string): string {
  return text.replace(/&(quot|amp|lt|gt|#39);/g, (_, name: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'" })[name] ?? _);
}

function wrap(text: string, width: number): string {
  return wrapAnsi(text, width, { hard: true, trim: true });
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');
}
