import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labEnv, type LabEnv } from '../cluster/helpers/lab-env.js';
import { runCliForTest } from '../helpers/run-cli.js';

const envs: LabEnv[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.cleanup();
});

// The refusal paths; marking a real API server is tested against the test control plane
// (test/integration/cluster/lab-cluster.test.ts).
describe('k8s-sec-lab adopt', () => {
  it('without a kubeconfig: says so, and how to get a cluster', async () => {
    const env = await labEnv({});
    envs.push(env);
    const result = await runCliForTest(['adopt', '--yes'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error: no kubeconfig found (looked at ${join(env.home, 'kubeconfig')})`);
    expect(result.stderr).toContain('fix: run `k8s-sec-lab up` to create the lab cluster, or pass --kubeconfig <file>');
  });

  it('with an unknown --context: names the contexts there are', async () => {
    const env = await labEnv({});
    envs.push(env);
    await writeFile(
      env.env.KUBECONFIG!,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\n' +
        'users: [{name: u, user: {token: t}}]\ncontexts: [{name: staging, context: {cluster: c, user: u}}]\ncurrent-context: staging\n',
    );
    const result = await runCliForTest(['adopt', '--context', 'prod', '--yes'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('fix: pass --context with one of: staging');
  });
});
