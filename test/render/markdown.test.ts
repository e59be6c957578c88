import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';

describe('renderMarkdown', () => {
  it('renders inline code and emphasis inside list items, not their markers', () => {
    const text = renderMarkdown('- run `kubectl get pods` and **read** it\n1. then *this*\n', { width: 80, color: false });
    expect(text).toContain('run kubectl get pods and read it');
    expect(text).toContain('then this');
    expect(text).not.toMatch(/`|\*\*|\*this/);
  });

  it('reflows paragraphs to the width', () => {
    const text = renderMarkdown(`${'word '.repeat(40)}\n`, { width: 40, color: false });
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(40);
  });
});
