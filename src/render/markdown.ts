import { stripVTControlCharacters } from 'node:util';
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

/**
 * Briefings and debriefs are Markdown; in a terminal they are rendered with
 * marked-terminal (headings, lists, code blocks, links), reflowed to `width`.
 */
export function renderMarkdown(markdown: string, options: { width: number; color: boolean }): string {
  const marked = new Marked();
  // marked-terminal's typings target an older marked; the extension object is compatible at run time.
  marked.use(markedTerminal({ width: options.width, reflowText: true, tab: 2, emoji: false }) as never);
  // marked-terminal prints a list item's text raw (its issue #304 with marked >= 13): parse its inline
  // tokens (code, bold, links) like any paragraph; `false` hands every other text to marked-terminal.
  marked.use({
    renderer: {
      text(token) {
        return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
      },
    },
  });
  const rendered = (marked.parse(markdown, { async: false }) as string).trimEnd();
  return options.color ? rendered : stripVTControlCharacters(rendered);
}
