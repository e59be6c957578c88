import { describe, expect, it } from 'vitest';
import type { LabMarker } from '../../src/cluster/guard.js';
import { KindCommandError } from '../../src/cluster/kind/errors.js';
import type { ClusterProvider } from '../../src/cluster/provider.js';
import { CommandInterruptedError } from '../../src/cluster/runner.js';
import { runUp, type UpDeps, type UpEvent, type UpQuestion } from '../../src/cluster/up.js';
import { LabError } from '../../src/errors.js';
import type { KubeClient } from '../../src/kube/client.js';

type CreateOutcome = 'ok' | 'hang' | Error;

const client = { context: 'kind-k8s-sec-lab', server: 'https://127.0.0.1:41235', close() {} } as unknown as KubeClient;
const midwayFailure = () =>
  new KindCommandError('`kind create cluster --name k8s-sec-lab --config /c.yaml` failed: failed to init node with kubeadm', 'failed', {
    fix: "kind's full output is in /logs/kind.log",
  });

/** A scripted provider and deps that record, in order, every call that changes something. */
function harness(options: {
  clusters?: string[];
  creates?: CreateOutcome[];
  available?: boolean;
  healthy?: boolean[];
  marker?: Partial<LabMarker>;
  answers?: boolean[];
  readyError?: Error;
  /** The node image the existing cluster runs, as the engine reports it. */
  runningImage?: string;
  nodeImage?: UpDeps['nodeImage'];
}) {
  const calls: string[] = [];
  const questions: UpQuestion[] = [];
  const events: UpEvent[] = [];
  let clock = 0;
  const creates = [...(options.creates ?? ['ok'])];
  const healthy = [...(options.healthy ?? [true])];
  const answers = [...(options.answers ?? [])];
  const clusters = [...(options.clusters ?? [])];

  const provider: ClusterProvider = {
    describe: () => 'kind v0.33.0 on docker',
    isAvailable: async () =>
      options.available === false
        ? { available: false, error: new LabError('Docker is not running (Cannot connect to the Docker daemon)', { fix: 'sudo systemctl start docker' }) }
        : { available: true, detail: 'kind v0.33.0 on docker 28.1.1' },
    async create(name, { signal }) {
      calls.push(`create ${name}`);
      const outcome = creates.shift() ?? 'ok';
      clock += 40_000;
      if (outcome === 'hang') {
        await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
        throw new CommandInterruptedError('kind', 'Creating cluster "k8s-sec-lab" ...');
      }
      if (outcome instanceof Error) throw outcome;
      clusters.push(name);
    },
    async delete(name) {
      calls.push(`delete ${name}`);
    },
    list: async () => [...clusters],
    kubeconfig: async () => 'apiVersion: v1\nkind: Config\n',
    nodeImage: async () => options.runningImage,
    loadImageCommand: (name, image) => ({ env: {}, file: 'kind', args: ['load', 'docker-image', image, '--name', name] }),
    loadImage: async () => {},
  };

  let interrupt: () => void = () => {};
  const deps: UpDeps = {
    logFile: '/logs/kind.log',
    ...(options.nodeImage ? { nodeImage: options.nodeImage } : {}),
    now: () => clock,
    prepareProvider: async () => provider,
    renderConfig: async () => '/cache/kind-config.yaml',
    connect: async () => (calls.push('connect'), client),
    checkReady: async () => (healthy.shift() ?? true ? { ready: true, detail: '3 nodes Ready' } : { ready: false, detail: '1 of 3 nodes Ready' }),
    waitReady: async () => {
      calls.push('wait ready');
      clock += 10_000;
      if (options.readyError) throw options.readyError;
      return { ready: true, detail: '3 nodes Ready' };
    },
    isolateDns: async () => (calls.push('isolate dns'), 'removed .:53: forward . /etc/resolv.conf; CoreDNS restarted and answers cluster names only'),
    installAddons: async () => (calls.push('install add-ons'), 'installed imds'),
    probeNetworkPolicy: async () => (calls.push('probe'), { enforced: 'true', detail: 'a deny-all NetworkPolicy blocked a connection' }),
    readMarker: async () =>
      options.marker ? { labId: 'lab-1', markedBy: 'up', markedAt: '2026-01-02T03:04:05Z', networkPolicyEnforced: 'unknown', ...options.marker } : undefined,
    markCluster: async (_client, markedBy, enforced) => {
      calls.push(`mark ${markedBy} ${enforced}`);
      return { labId: 'lab-1', markedBy, markedAt: '2026-01-02T03:04:05Z', networkPolicyEnforced: enforced };
    },
    decide: async (question) => (questions.push(question), answers.shift() ?? false),
    interruptible: (run) => {
      const controller = new AbortController();
      interrupt = () => controller.abort();
      return run(controller.signal);
    },
  };
  return { deps, calls, questions, events, report: (event: UpEvent) => events.push(event), interrupt: () => interrupt() };
}

const summary = (events: UpEvent[]) => events.map((event) => `${event.step} ${event.status}`);

describe('runUp', () => {
  it('creates the cluster, then waits and installs add-ons while it probes, and marks LAST', async () => {
    const h = harness({});
    const result = await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    // The probe starts before the nodes are Ready: on a new cluster its pods wait for them.
    expect(h.calls).toEqual(['create k8s-sec-lab', 'connect', 'wait ready', 'probe', 'install add-ons', 'mark up true']);
    expect(summary(h.events).slice(0, 6)).toEqual(['prerequisites start', 'prerequisites done', 'cluster start', 'cluster done', 'ready start', 'network-policy start']);
    expect(summary(h.events).slice(6, -2).sort()).toEqual(['addons done', 'addons start', 'network-policy done', 'ready done']);
    expect(summary(h.events).slice(-2)).toEqual(['mark start', 'mark done']);
    expect(h.events.find((event) => event.step === 'cluster' && event.status === 'done')).toEqual({
      step: 'cluster',
      status: 'done',
      elapsedMs: 40_000,
      detail: 'created kind cluster k8s-sec-lab (kind v0.33.0 on docker)',
    });
    expect(h.events.find((event) => event.step === 'ready' && event.status === 'done')?.elapsedMs).toBe(10_000);
    expect(result).toMatchObject({ cluster: 'created', networkPolicy: { enforced: 'true' }, timings: { totalMs: 50_000, createMs: 40_000 } });
  });

  it('isolates cluster DNS right after the cluster is ready when asked (--isolated-dns), on a new or reused cluster', async () => {
    const created = harness({});
    await runUp(created.deps, { mode: 'kind', expectedNodes: 3, isolatedDns: true }, created.report);
    expect(created.calls).toEqual(['create k8s-sec-lab', 'connect', 'wait ready', 'probe', 'isolate dns', 'install add-ons', 'mark up true']);
    expect(created.events).toContainEqual({
      step: 'dns',
      status: 'done',
      elapsedMs: 0,
      detail: 'removed .:53: forward . /etc/resolv.conf; CoreDNS restarted and answers cluster names only',
    });
    const reused = harness({ clusters: ['k8s-sec-lab'], marker: { networkPolicyEnforced: 'true' } });
    await runUp(reused.deps, { mode: 'kind', expectedNodes: 3, isolatedDns: true }, reused.report);
    expect(reused.calls).toEqual(['connect', 'wait ready', 'isolate dns', 'install add-ons', 'mark up true']);
  });

  it('leaves CoreDNS alone without --isolated-dns, and a failed isolation stops up before the cluster is marked', async () => {
    const plain = harness({});
    await runUp(plain.deps, { mode: 'kind', expectedNodes: 3 }, plain.report);
    expect(plain.calls).not.toContain('isolate dns');
    expect(plain.events.map((event) => event.step)).not.toContain('dns');

    const broken = harness({});
    broken.deps.isolateDns = async () => {
      throw new LabError('the cluster has no ConfigMap kube-system/coredns with a Corefile, so its DNS cannot be isolated');
    };
    await expect(runUp(broken.deps, { mode: 'kind', expectedNodes: 3, isolatedDns: true }, broken.report)).rejects.toThrow('cannot be isolated');
    expect(broken.calls.some((call) => call.startsWith('mark'))).toBe(false);
    expect(summary(broken.events).slice(-2)).toEqual(['dns start', 'dns failed']);
  });

  it('reuses a healthy lab cluster without recreating it, keeping an earlier probe result', async () => {
    const h = harness({ clusters: ['other', 'k8s-sec-lab'], marker: { networkPolicyEnforced: 'true' } });
    const result = await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    expect(h.calls).toEqual(['connect', 'wait ready', 'install add-ons', 'mark up true']);
    expect(h.events).toContainEqual({
      step: 'cluster',
      status: 'skipped',
      elapsedMs: 0,
      detail: 'kind cluster k8s-sec-lab already exists and is healthy (3 nodes Ready): reusing it',
    });
    expect(h.events).toContainEqual({ step: 'network-policy', status: 'skipped', elapsedMs: 0, detail: 'enforced: true (probed on 2026-01-02)' });
    expect(result.cluster).toBe('reused');
    expect(result.timings.createMs).toBeUndefined();
  });

  it('names the node image of a new cluster and where it came from', async () => {
    const h = harness({ nodeImage: { image: 'local/kind-node:k1', source: '--node-image' } });
    await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    expect(h.events.find((event) => event.step === 'cluster' && event.status === 'done')?.detail).toBe(
      'created kind cluster k8s-sec-lab (kind v0.33.0 on docker, node image local/kind-node:k1 from --node-image)',
    );
  });

  it('reuses a cluster on another node image than the one asked for, and says so instead of recreating it', async () => {
    const h = harness({ clusters: ['k8s-sec-lab'], marker: { networkPolicyEnforced: 'true' }, runningImage: 'kindest/node:v1.36.4', nodeImage: { image: 'local/kind-node:k1', source: '$K8S_SEC_LAB_NODE_IMAGE' } });
    const result = await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    expect(h.calls).not.toContain('delete k8s-sec-lab');
    expect(h.calls).not.toContain('create k8s-sec-lab');
    expect(h.events.find((event) => event.step === 'cluster' && event.status === 'skipped')?.detail).toBe(
      'kind cluster k8s-sec-lab already exists and is healthy (3 nodes Ready): reusing it; it runs node image kindest/node:v1.36.4, not local/kind-node:k1 ' +
        '(from $K8S_SEC_LAB_NODE_IMAGE): to use that one, delete it first with `k8s-sec-lab down --yes` and run up again',
    );
    expect(result.cluster).toBe('reused');
  });

  it('names the node image of a reused cluster that runs the one asked for', async () => {
    const h = harness({ clusters: ['k8s-sec-lab'], marker: { networkPolicyEnforced: 'true' }, runningImage: 'local/kind-node:k1', nodeImage: { image: 'local/kind-node:k1', source: '--node-image' } });
    await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    expect(h.events.find((event) => event.step === 'cluster' && event.status === 'skipped')?.detail).toMatch(/: reusing it; node image local\/kind-node:k1$/);
  });

  it('probes a reused cluster whose enforcement is still unknown, once it is ready (its API server may still be starting)', async () => {
    const h = harness({ clusters: ['k8s-sec-lab'], marker: { networkPolicyEnforced: 'unknown' } });
    await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    expect(h.calls).toEqual(['connect', 'wait ready', 'install add-ons', 'probe', 'mark up true']);
  });

  it('recreates an unhealthy cluster when the user agrees', async () => {
    const h = harness({ clusters: ['k8s-sec-lab'], healthy: [false], answers: [true] });
    await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    expect(h.questions).toEqual([{ kind: 'unhealthy', detail: '1 of 3 nodes Ready' }]);
    expect(h.calls.slice(0, 3)).toEqual(['connect', 'delete k8s-sec-lab', 'create k8s-sec-lab']);
  });

  it('leaves an unhealthy cluster alone when the user declines', async () => {
    const h = harness({ clusters: ['k8s-sec-lab'], healthy: [false], answers: [false] });
    await expect(runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report)).rejects.toMatchObject({
      message: 'kind cluster k8s-sec-lab exists but is not healthy: 1 of 3 nodes Ready',
      fix: 'delete it and start again with `k8s-sec-lab down --yes && k8s-sec-lab up`',
    });
    expect(h.calls).toEqual(['connect']);
  });

  it('offers delete-and-retry when kind fails midway, and continues after a good second attempt', async () => {
    const h = harness({ creates: [midwayFailure(), 'ok'], answers: [true] });
    await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    expect(h.questions).toEqual([{ kind: 'create-failed', error: expect.any(KindCommandError), logFile: '/logs/kind.log' }]);
    expect(h.calls.slice(0, 3)).toEqual(['create k8s-sec-lab', 'delete k8s-sec-lab', 'create k8s-sec-lab']);
    expect(summary(h.events).slice(2, 6)).toEqual(['cluster start', 'cluster failed', 'cluster start', 'cluster done']);
    expect(h.calls.at(-1)).toBe('mark up true');
  });

  it('retries only once, then stops with kind\'s reason, the log and the way to start over, unmarked', async () => {
    const h = harness({ creates: [midwayFailure(), midwayFailure()], answers: [true, true] });
    const error = (await runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report).catch((caught: unknown) => caught)) as LabError;
    expect(error.message).toBe('`kind create cluster --name k8s-sec-lab --config /c.yaml` failed: failed to init node with kubeadm');
    expect(error.fix).toBe("kind's full output is in /logs/kind.log; then delete it and start again with `k8s-sec-lab down --yes && k8s-sec-lab up`");
    expect(h.questions).toHaveLength(1);
    expect(h.calls).toEqual(['create k8s-sec-lab', 'delete k8s-sec-lab', 'create k8s-sec-lab']);
    expect(summary(h.events).at(-1)).toBe('cluster failed');
  });

  it('does not offer a retry for a container-engine problem that would fail again', async () => {
    const engineDown = new KindCommandError('`kind create cluster` failed: Docker is not running', 'engine-unavailable', { fix: 'sudo systemctl start docker' });
    const h = harness({ creates: [engineDown] });
    await expect(runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report)).rejects.toBe(engineDown);
    expect(h.questions).toEqual([]);
    expect(h.events.at(-1)).toMatchObject({ step: 'cluster', status: 'failed', detail: '`kind create cluster` failed: Docker is not running' });
  });

  it('on Ctrl-C during create: kind is stopped, delete-and-retry is offered, and no marker is written', async () => {
    const h = harness({ creates: ['hang'] });
    const running = runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    await expect.poll(() => h.calls).toContain('create k8s-sec-lab');
    h.interrupt();
    await expect(running).rejects.toMatchObject({
      message: expect.stringMatching(/^interrupted: kind create cluster was stopped and the cluster was not marked/),
      fix: 'delete it and start again with `k8s-sec-lab down --yes && k8s-sec-lab up`',
    });
    expect(h.questions).toEqual([{ kind: 'interrupted', logFile: '/logs/kind.log' }]);
    expect(h.calls).toEqual(['create k8s-sec-lab']);
    expect(h.events.at(-1)).toMatchObject({ step: 'cluster', status: 'failed', detail: 'interrupted: kind was stopped' });
  });

  it('after Ctrl-C and a yes, deletes the half-created cluster and creates it again', async () => {
    const h = harness({ creates: ['hang', 'ok'], answers: [true] });
    const running = runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report);
    await expect.poll(() => h.calls).toContain('create k8s-sec-lab');
    h.interrupt();
    await running;
    expect(h.calls.slice(0, 3)).toEqual(['create k8s-sec-lab', 'delete k8s-sec-lab', 'create k8s-sec-lab']);
    expect(h.calls.at(-1)).toBe('mark up true');
  });

  it('stops before creating anything when the container engine is unavailable', async () => {
    const h = harness({ available: false });
    await expect(runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report)).rejects.toMatchObject({ fix: 'sudo systemctl start docker' });
    expect(h.calls).toEqual([]);
    expect(summary(h.events)).toEqual(['prerequisites start', 'prerequisites failed']);
  });

  it('does not mark a cluster that never became ready', async () => {
    const h = harness({ readyError: new LabError('the cluster was not ready after 180s: 2 of 3 nodes Ready') });
    await expect(runUp(h.deps, { mode: 'kind', expectedNodes: 3 }, h.report)).rejects.toThrow('not ready after 180s');
    expect(h.calls.some((call) => call.startsWith('mark'))).toBe(false);
    expect(summary(h.events)).toContain('ready failed');
    // The probe ran beside readiness, and up waited for it to end (it deletes its namespace) before failing.
    expect(summary(h.events).slice(-2).sort()).toEqual(['network-policy done', 'ready failed']);
  });


  it('uses an existing cluster as `adopt` would: no kind, add-ons, probe, marked by adopt', async () => {
    const h = harness({});
    const result = await runUp(h.deps, { mode: 'existing', client }, h.report);
    expect(h.calls).toEqual(['wait ready', 'install add-ons', 'probe', 'mark adopt true']);
    expect(h.events.slice(0, 2)).toEqual([
      { step: 'prerequisites', status: 'skipped', elapsedMs: 0, detail: 'not needed for an existing cluster' },
      { step: 'cluster', status: 'skipped', elapsedMs: 0, detail: 'using context kind-k8s-sec-lab (https://127.0.0.1:41235)' },
    ]);
    expect(result.cluster).toBe('existing');
  });
});
