import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';

const plain = (markdown: string, width = 80) => renderMarkdown(markdown, { width, color: false });

describe('renderMarkdown', () => {
  it('renders inline code and emphasis inside list items, not their markers', () => {
    const text = plain('- run `kubectl get pods` and **read** it\n1. then *this*\n');
    expect(text).toContain('• run kubectl get pods and read it');
    expect(text).toContain('1. then this');
    expect(text).not.toMatch(/`|\*/);
  });

  it('reflows paragraphs to the width, joining soft line breaks', () => {
    const text = plain(`${'word '.repeat(20).trim()}\nmore words on a second source line\n`, 40);
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(40);
    expect(text).toContain('word more words');
  });

  it('keeps code blocks verbatim (no reflow), indented', () => {
    const long = `kubectl -n shop get networkpolicy ${'x'.repeat(60)}`;
    expect(plain(`\`\`\`sh\n${long}\n\`\`\`\n`, 40)).toBe(`  ${long}`);
  });

  it('nests lists and draws task boxes once', () => {
    expect(plain('- a\n  - b\n- [x] done\n')).toBe('  • a\n      • b\n  • [x] done');
  });

  it('prints links with their URL and tables as aligned columns', () => {
    expect(plain('See [the docs](https://kubernetes.io/docs/).')).toBe('See the docs (https://kubernetes.io/docs/).');
    expect(plain('| check | kind |\n|---|---|\n| a | pod-security |\n')).toBe('check  kind        \n─────  ────────────\na      pod-security');
  });

  it('colors only when asked', () => {
    expect(renderMarkdown('# Title', { width: 80, color: true })).toMatch(/\u001b\[/);
    expect(plain('# Title')).toBe('Title');
  });
});
