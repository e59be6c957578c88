import { beforeAll, expect, it } from 'vitest';
import { markCluster } from '../../../src/cluster/guard.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { flagSecret, forgetFlags } from '../../../src/lifecycle/flags.js';
import { replayAttack } from '../../../src/lifecycle/replay.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, planeCommandEnv, requirePlane } from '../setup/plane.js';

// A scenario of its own (only its flags Secret exists), so the runner is judged on the plane
// without starting, or colliding with, a catalogue scenario.
const id = 'replay-runner-test';
const value = 'K8SLAB{00112233445566778899aabb}';
const readFlag = `kubectl -n k8s-sec-lab-system get secret flags-${id} -o jsonpath='{.data.token}' | base64 -d`;
const step = (run: string, extra: object = {}) => ({ run, needs: 'api' as const, expect: { exitCode: 0 }, ...extra });
const scenario = {
  id,
  flags: [{ id: 'token', title: 't', where: 'w', plantedBy: 'manifest' as const, hints: { nudge: 'n', concept: 'c', command: 'k' } }],
  attack: {
    replay: [
      step(readFlag, { revealsFlag: 'token' }),
      step('kubectl exec deploy/nothing-runs-here -- true', { needs: 'runtime' as const }),
      step("printf 'K8SLAB{ffffffffffffffffffffffff}'", { revealsFlag: 'token' }),
      step('kubectl get namespace k8s-sec-lab-system -o name', { expect: { exitCode: 0, stdoutContains: 'namespace/k8s-sec-lab-system' } }),
      step('sleep 30'),
    ],
  },
};

describeWithPlane('replayAttack on the test plane', () => {
  let client: KubeClient;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await markCluster(client, 'adopt');
    await client.apply(flagSecret(id, new Map([['token', value]])));
    env = await planeCommandEnv();
    return async () => {
      await forgetFlags(client, scenario);
      client.close();
    };
  });

  it('runs the selected steps in sh with the lab\'s KUBECONFIG, captures their output and checks the flag against the planted value', async () => {
    const result = await replayAttack({ client }, scenario, { needs: ['api'], env, timeoutMs: 5_000 });
    expect(result.ok).toBe(false);
    // The runtime step is not run; every api step is, in order, after a failing one too.
    expect(result.steps.map((entry) => entry.index)).toEqual([0, 2, 3, 4]);
    const [reads, fakes, lists, sleeps] = result.steps;
    expect(reads).toMatchObject({ exitCode: 0, stdout: value, flag: { id: 'token', revealed: true }, problems: [] });
    expect(fakes).toMatchObject({ exitCode: 0, flag: { id: 'token', revealed: false }, problems: ["stdout lacks this run's flag token"] });
    expect(lists).toMatchObject({ exitCode: 0, problems: [] });
    expect(sleeps).toMatchObject({ timedOut: true, problems: ['timed out'] });
  });

  it('takes a kubeconfig file as well, and never calls a flag revealed once reset forgot it', async () => {
    const planted = await replayAttack({ kubeconfig: requirePlane().kubeconfig }, { ...scenario, attack: { replay: [scenario.attack.replay[0]!] } }, { needs: ['api', 'runtime'], env });
    expect(planted).toMatchObject({ ok: true, steps: [{ flag: { revealed: true } }] });

    await forgetFlags(client, scenario);
    const forgotten = await replayAttack({ client }, { ...scenario, attack: { replay: [scenario.attack.replay[0]!] } }, { needs: ['api'], env });
    expect(forgotten.ok).toBe(false);
    expect(forgotten.steps[0]).toMatchObject({ flag: { revealed: false }, problems: expect.arrayContaining(['flag token is not planted (start the scenario first)']) });
    await client.apply(flagSecret(id, new Map([['token', value]])));
  });
});
