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
  const rendered = (marked.parse(markdown, { async: false }) as string).trimEnd();
  return options.color ? rendered : stripVTControlCharacters(rendered);
}
