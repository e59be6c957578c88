import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellFailure } from '../../src/ui/run.js';

describe('the shell hand-off', () => {
  it('names a $SHELL that does not exist, and how to fix it', () => {
    const result = spawnSync('/no/such/shell', [], { stdio: 'ignore' });
    expect(shellFailure('/no/such/shell', result)).toMatch(/^could not start your shell \/no\/such\/shell \(.*ENOENT.*\): set SHELL to a shell that exists/);
  });

  it('reports a shell ended by a signal, and nothing for a shell whose last command failed', () => {
    expect(shellFailure('/bin/sh', spawnSync('/bin/sh', ['-c', 'kill -TERM $$'], { stdio: 'ignore' }))).toBe('your shell /bin/sh was ended by SIGTERM');
    expect(shellFailure('/bin/sh', spawnSync('/bin/sh', ['-c', 'exit 3'], { stdio: 'ignore' }))).toBeUndefined();
  });
});
