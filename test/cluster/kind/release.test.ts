import { describe, expect, it } from 'vitest';
import { compareVersions, kindAssetName, kindDownloadUrl, parseKindVersion } from '../../../src/cluster/kind/release.js';

describe('kind releases', () => {
  it('reads the version from `kind version` output, including pre-releases', () => {
    expect(parseKindVersion('kind v0.33.0 go1.25.1 linux/amd64')).toBe('v0.33.0');
    expect(parseKindVersion('kind v0.34.0-alpha+4a1b2c3 go1.25.1 darwin/arm64')).toBe('v0.34.0-alpha+4a1b2c3');
    expect(parseKindVersion('kind: command not found')).toBeUndefined();
  });

  it('compares versions numerically, not as text', () => {
    expect(compareVersions('v0.9.0', 'v0.32.0')).toBeLessThan(0);
    expect(compareVersions('v0.32.0', 'v0.32.0')).toBe(0);
    expect(compareVersions('v1.0.0', 'v0.99.9')).toBeGreaterThan(0);
    expect(compareVersions('v0.32.1-alpha', 'v0.32.0')).toBeGreaterThan(0);
  });

  it('names the release asset of each platform kind publishes, and none for the others', () => {
    expect(kindAssetName('linux', 'x64')).toBe('kind-linux-amd64');
    expect(kindAssetName('linux', 'arm64')).toBe('kind-linux-arm64');
    expect(kindAssetName('darwin', 'arm64')).toBe('kind-darwin-arm64');
    expect(kindAssetName('win32', 'x64')).toBe('kind-windows-amd64');
    expect(kindAssetName('win32', 'arm64')).toBeUndefined();
    expect(kindAssetName('linux', 's390x')).toBeUndefined();
    expect(kindAssetName('freebsd', 'x64')).toBeUndefined();
  });

  it('downloads from GitHub releases unless told otherwise', () => {
    expect(kindDownloadUrl({}, 'kind-linux-amd64')).toBe('https://github.com/kubernetes-sigs/kind/releases/download/v0.33.0/kind-linux-amd64');
    expect(kindDownloadUrl({ K8S_SEC_LAB_KIND_DOWNLOAD_URL: 'http://127.0.0.1:9/mirror/' }, 'kind-linux-amd64')).toBe('http://127.0.0.1:9/mirror/v0.33.0/kind-linux-amd64');
  });
});
