import { describe, expect, it } from 'vitest';
import { warningTexts } from '../../src/kube/client.js';

describe('Warning headers', () => {
  it('reads the text of each warning, with quotes and commas inside it', () => {
    const header = `299 - "Validation failed for ValidatingAdmissionPolicy 'tenant-images': SEC-4411: images must come from \\"registry.example.internal\\", by digest", 299 - "second"`;
    expect(warningTexts(header)).toEqual([`Validation failed for ValidatingAdmissionPolicy 'tenant-images': SEC-4411: images must come from "registry.example.internal", by digest`, 'second']);
    expect(warningTexts(['299 - "a"', '299 - "b"'])).toEqual(['a', 'b']);
    expect(warningTexts(undefined)).toEqual([]);
  });
});
