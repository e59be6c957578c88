import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newIdentities, writeTokenFile } from '../../../tools/testplane/identities.js';

describe('plane identities', () => {
  it('gives the admin system:masters and the tester no group that RBAC binds', () => {
    const identities = newIdentities();
    expect(identities.admin.groups).toEqual(['system:masters']);
    expect(identities.tester.groups).not.toContain('system:masters');
    expect(new Set(Object.values(identities).map((identity) => identity.token)).size).toBe(5);
  });

  it('writes the static token file in the API server format token,user,uid,"groups"', async () => {
    const identities = newIdentities();
    const file = join(await mkdtemp(join(tmpdir(), 'tokens-')), 'tokens.csv');
    await writeTokenFile(file, identities);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toContain(`${identities.admin.token},k8s-sec-lab-admin,k8s-sec-lab-admin,"system:masters"`);
    expect(lines).toContain(`${identities.scheduler.token},system:kube-scheduler,system:kube-scheduler,""`);
  });
});
