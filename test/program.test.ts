import { describe, expect, it } from 'vitest';
import { runCliForTest } from './helpers/run-cli.js';
import { version } from '../src/version.js';

describe('k8s-sec-lab program', () => {
  it('prints the package version', async () => {
    const result = await runCliForTest(['--version']);
    expect(result).toMatchObject({ exitCode: 0, stdout: `${version}\n` });
  });

  it('treats an unknown option as a usage error with exit code 2', async () => {
    const result = await runCliForTest(['--bogus']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });
});
