import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliForTest } from './run-cli.js';

// The developer's own settings, as a shell might export them.
const ambient = ['K8S_SEC_LAB_HOME', 'K8S_SEC_LAB_CATALOGUE', 'KUBECONFIG', 'HOME'] as const;
const saved = Object.fromEntries(ambient.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of ambient) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('the CLI under test', () => {
  it("reads nothing of the developer's environment: not their lab home, catalogue, kubeconfig or HOME", async () => {
    const developer = await mkdtemp(join(tmpdir(), 'developer-'));
    const kubeconfig = join(developer, 'kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: prod, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: production, context: {cluster: prod, user: u}}]\ncurrent-context: production\n');
    Object.assign(process.env, { K8S_SEC_LAB_HOME: join(developer, 'lab'), K8S_SEC_LAB_CATALOGUE: join(developer, 'no-catalogue'), KUBECONFIG: kubeconfig, HOME: developer });

    const list = await runCliForTest(['list', '--json']);
    expect(list.exitCode).toBe(0);
    expect((JSON.parse(list.stdout) as { scenarios: { id: string }[] }).scenarios.map((scenario) => scenario.id)).toContain('privileged-pod');

    const check = await runCliForTest(['check', 'privileged-pod']);
    expect(check.exitCode).toBe(2);
    expect(check.stderr).toContain('error: no kubeconfig found');
    expect(check.stderr).not.toContain('production');
    expect(existsSync(join(developer, 'lab'))).toBe(false);
  });
});
