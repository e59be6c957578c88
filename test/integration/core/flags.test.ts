import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { markCluster } from '../../../src/cluster/guard.js';
import { repoRoot } from '../../helpers/fixtures.js';
import { runCliForTest } from '../../helpers/run-cli.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';

const id = 'kubectl-proxy-vs-port-forward';

/** The flag where the attack finds it: the token of Secret ops/deploy-bot-token (the proxy serves it on kind). */
async function stolenToken(): Promise<string> {
  const { stdout } = await kubectl(['-n', 'ops', 'get', 'secret', 'deploy-bot-token', '-o', 'jsonpath={.data.token}']);
  return Buffer.from(stdout, 'base64').toString('utf8');
}

describeWithPlane('attack flags on the test plane (the real catalogue)', () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    const client = await clientFor(requirePlane().kubeconfig);
    await markCluster(client, 'adopt');
    client.close();
    env = { KUBECONFIG: requirePlane().kubeconfig, K8S_SEC_LAB_HOME: await mkdtemp(join(tmpdir(), 'k8s-sec-lab-flags-')), K8S_SEC_LAB_CATALOGUE: repoRoot };
  });

  it('start plants a flag the attack path reads; submit takes it from stdin; reset plants a new one and refuses the old', async () => {
    expect((await runCliForTest(['start', id, '--yes'], { env })).exitCode).toBe(0);
    const first = await stolenToken();
    expect(first).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);

    const wrong = await runCliForTest(['submit', id, 'K8SLAB{000000000000000000000000}'], { env });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toContain('No:');
    expect(wrong.stdout).not.toContain(first);

    const right = await runCliForTest(['submit', id], { env, stdin: `${first}\n` });
    expect(right.exitCode, right.stderr).toBe(0);
    expect(right.stdout).toContain('Now fix it');

    // A second start keeps the run (and the capture); a reset makes a new flag.
    await runCliForTest(['start', id, '--yes'], { env });
    expect(await stolenToken()).toBe(first);
    expect((await runCliForTest(['reset', id, '--yes'], { env })).exitCode).toBe(0);
    const second = await stolenToken();
    expect(second).not.toBe(first);
    expect((await runCliForTest(['submit', id, first], { env })).exitCode).toBe(1);
    expect((await runCliForTest(['submit', id, second, '--json'], { env })).stdout).toContain('"correct": true');

    const status = JSON.parse((await runCliForTest(['status', '--json'], { env })).stdout) as { scenarios: { id: string; attack: unknown; state: string }[] };
    expect(status.scenarios.find((row) => row.id === id)).toMatchObject({ state: 'started', attack: { flags: 1, captured: 1, wrongSubmissions: 2 } });
    const progressFile = await readFile(join(env.K8S_SEC_LAB_HOME!, 'progress.json'), 'utf8');
    expect(progressFile).not.toContain(first.slice(7, -1));
    expect(progressFile).not.toContain(second.slice(7, -1));
  });

  it('plants the card-vault flag in the Redis seed that the CI runner reads', async () => {
    expect((await runCliForTest(['start', 'missing-networkpolicy', '--yes'], { env })).exitCode).toBe(0);
    const { stdout } = await kubectl(['-n', 'shop', 'get', 'configmap', 'db-seed', '-o', 'jsonpath={.data.seed\\.redis}']);
    const planted = /note "(K8SLAB\{[0-9a-f]{24}\})"/.exec(stdout)?.[1];
    expect(planted).toBeDefined();
    expect((await runCliForTest(['submit', 'missing-networkpolicy', planted!], { env })).exitCode).toBe(0);
  });
});
