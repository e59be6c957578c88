import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatPath, offsetOfPath } from '../../src/manifests/yaml-paths.js';

describe('formatPath', () => {
  it('writes indexes in brackets and keys with dots', () => {
    expect(formatPath(['checks', 2, 'hints', 'nudge'])).toBe('checks[2].hints.nudge');
  });
});

describe('offsetOfPath', () => {
  it('points at the node on the path, or at the deepest parent that exists', () => {
    const lines = new LineCounter();
    const document = parseDocument('a:\n  b:\n    - x\n    - y\n', { lineCounter: lines });
    expect(lines.linePos(offsetOfPath(document, ['a', 'b', 1])).line).toBe(4);
    expect(lines.linePos(offsetOfPath(document, ['a', 'missing'])).line).toBe(2);
  });
});
