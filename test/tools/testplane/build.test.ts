import { describe, expect, it } from 'vitest';
import { formatDuration, versionLdflags } from '../../../tools/testplane/build.js';

describe('versionLdflags', () => {
  it('stamps the release into both version packages so server and kubectl report it', () => {
    const flags = versionLdflags('v1.36.3');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(flags).toContain(`-X ${pkg}.gitVersion=v1.36.3`);
      expect(flags).toContain(`-X ${pkg}.gitMajor=1`);
      expect(flags).toContain(`-X ${pkg}.gitMinor=36`);
    }
  });
});

describe('formatDuration', () => {
  it('prints seconds below a minute and m/s above', () => {
    expect(formatDuration(9_400)).toBe('9s');
    expect(formatDuration(372_000)).toBe('6m12s');
  });
});
