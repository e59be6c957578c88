import { ExitCode, LabError, messageOf } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import type { LabMarker } from './guard.js';
import type { Readiness } from './kind/readiness.js';
import { KindCommandError } from './kind/errors.js';
import { labClusterName } from '../names.js';
import type { NetworkPolicyProbeResult } from './netpol-probe.js';
import type { NodeImage } from './kind/config.js';
import type { ClusterProvider } from './provider.js';
import { CommandInterruptedError } from './runner.js';

/** The steps of `up`, in order; on a new cluster network-policy runs beside ready, dns and addons. */
export const upSteps = ['prerequisites', 'cluster', 'ready', 'dns', 'addons', 'network-policy', 'mark'] as const;
export type UpStep = (typeof upSteps)[number];

/** What each step does, for progress lines and the TUI's checklist. */
export const upStepTitles: Record<UpStep, string> = {
  prerequisites: 'check kind and the container engine',
  cluster: 'create the kind cluster',
  ready: 'wait for the API server and the nodes',
  dns: 'isolate cluster DNS (CoreDNS without upstream)',
  addons: 'install the lab add-ons',
  'network-policy': 'probe NetworkPolicy enforcement',
  mark: 'mark the cluster as the lab cluster',
};

/**
 * Progress of one step. `elapsedMs` is the time since this step started
 * (0 on `start`). A step may fail and start again after a delete-and-retry.
 */
export interface UpEvent {
  step: UpStep;
  status: 'start' | 'done' | 'failed' | 'skipped';
  elapsedMs: number;
  detail?: string;
}

/** A decision only the user can make; resolving true means "delete the cluster and create it again". */
export type UpQuestion =
  | { kind: 'create-failed'; error: LabError; logFile: string }
  | { kind: 'interrupted'; logFile: string }
  | { kind: 'unhealthy'; detail: string };

/** Everything `runUp` touches, so tests (and the TUI) can substitute it. */
export interface UpDeps {
  /** Finds kind (downloading it after consent) and builds the provider for the chosen engine. */
  prepareProvider(): Promise<ClusterProvider>;
  /** Writes the kind config for `kind create cluster --config` and returns its path. */
  renderConfig(): Promise<string>;
  /** A client for the cluster described by a kubeconfig (YAML text). */
  connect(kubeconfig: string): Promise<KubeClient>;
  checkReady(client: KubeClient, expectedNodes: number): Promise<Readiness>;
  waitReady(client: KubeClient, expectedNodes: number): Promise<Readiness>;
  /** Rewrites CoreDNS without an upstream (`--isolated-dns`) and says what it did. */
  isolateDns(client: KubeClient): Promise<string>;
  /** Installs the lab add-ons and says what it did. */
  installAddons(client: KubeClient): Promise<string>;
  probeNetworkPolicy(client: KubeClient): Promise<NetworkPolicyProbeResult>;
  readMarker(client: KubeClient): Promise<LabMarker | undefined>;
  markCluster(client: KubeClient, markedBy: LabMarker['markedBy'], enforced: LabMarker['networkPolicyEnforced']): Promise<LabMarker>;
  decide(question: UpQuestion): Promise<boolean>;
  /** Runs `run` with a signal that Ctrl-C aborts. */
  interruptible<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Where kind's output goes; named in failures. */
  logFile: string;
  /** The node image a new cluster gets (undefined: kind's default); a reused cluster is compared with it. */
  nodeImage?: NodeImage;
  now?: () => number;
}

export type UpOptions = (
  /** Create (or reuse) the kind cluster; `expectedNodes` is the node count of labs/cluster/kind.yaml. */
  | { mode: 'kind'; expectedNodes: number }
  /** Use a cluster the user already has and confirmed (`up --existing`). */
  | { mode: 'existing'; client: KubeClient }
) & {
  /** CoreDNS answers cluster names only, so no DNS query leaves the machine (test clusters). */
  isolatedDns?: boolean;
};

export interface UpResult {
  client: KubeClient;
  cluster: 'created' | 'reused' | 'existing';
  networkPolicy: NetworkPolicyProbeResult;
  marker: LabMarker;
  /** Total wall time, and the part spent in `kind create cluster` (for the overhead report). */
  timings: { totalMs: number; createMs?: number };
}

/**
 * Brings the lab cluster up: prerequisites, create or reuse, real readiness,
 * add-ons, a NetworkPolicy probe, and the marker LAST, so an interrupted or
 * failed `up` never leaves a cluster that claims to be ready for the lab.
 * Reports each step through `report`; asks the user only through `deps.decide`.
 */
export async function runUp(deps: UpDeps, options: UpOptions, report: (event: UpEvent) => void): Promise<UpResult> {
  const steps = new StepReporter(report, deps.now ?? Date.now);
  const started = steps.now();

  let client: KubeClient;
  let cluster: UpResult['cluster'];
  let createMs: number | undefined;
  let expectedNodes = 1;
  if (options.mode === 'existing') {
    client = options.client;
    cluster = 'existing';
    steps.skipped('prerequisites', 'not needed for an existing cluster');
    steps.skipped('cluster', `using context ${client.context} (${client.server})`);
  } else {
    expectedNodes = options.expectedNodes;
    const provider = await steps.run('prerequisites', async () => {
      const prepared = await deps.prepareProvider();
      const availability = await prepared.isAvailable();
      if (!availability.available) throw availability.error;
      return { value: prepared, detail: availability.detail };
    });
    const outcome = await ensureCluster(deps, provider, options.expectedNodes, steps);
    ({ client, cluster, createMs } = outcome);
  }

  const prepare = async () => {
    await steps.run('ready', async () => ({ value: undefined, detail: (await deps.waitReady(client, expectedNodes)).detail }));
    if (options.isolatedDns) await steps.run('dns', async () => ({ value: undefined, detail: await deps.isolateDns(client) }));
    await steps.run('addons', async () => ({ value: undefined, detail: await deps.installAddons(client) }));
  };
  const probe = () => probeUnlessKnown(deps, client, cluster, steps);
  // On a cluster kind has just created the API server answers (kind waited for it), and the
  // probe's pods wait out node readiness by themselves; nothing it does needs DNS or the
  // add-ons. So the probe, the longest step, runs beside them. On any other cluster the API
  // server may still be coming up (a restarted engine), so the probe waits for 'ready'.
  const networkPolicy = cluster === 'created' ? (await settleBoth(prepare(), probe()))[1] : (await prepare(), await probe());
  const marker = await steps.run('mark', async () => {
    const written = await deps.markCluster(client, options.mode === 'existing' ? 'adopt' : 'up', networkPolicy.enforced);
    return { value: written, detail: `context ${client.context} is the lab cluster (lab id ${written.labId})` };
  });
  return { client, cluster, networkPolicy, marker, timings: { totalMs: steps.now() - started, ...(createMs === undefined ? {} : { createMs }) } };
}

/** Reuses a healthy lab cluster; otherwise creates one, offering delete-and-retry once when creation breaks. */
async function ensureCluster(
  deps: UpDeps,
  provider: ClusterProvider,
  expectedNodes: number,
  steps: StepReporter,
): Promise<{ client: KubeClient; cluster: 'created' | 'reused'; createMs?: number }> {
  steps.start('cluster');
  try {
    if ((await provider.list()).includes(labClusterName)) {
      const existing = await deps.connect(await provider.kubeconfig(labClusterName));
      const readiness = await deps.checkReady(existing, expectedNodes);
      if (readiness.ready) {
        const image = await reusedNodeImage(deps.nodeImage, provider);
        steps.skipped('cluster', `kind cluster ${labClusterName} already exists and is healthy (${readiness.detail}): reusing it${image}`);
        return { client: existing, cluster: 'reused' };
      }
      steps.failed('cluster', `kind cluster ${labClusterName} exists but is not healthy: ${readiness.detail}`);
      if (!(await deps.decide({ kind: 'unhealthy', detail: readiness.detail }))) {
        throw new LabError(`kind cluster ${labClusterName} exists but is not healthy: ${readiness.detail}`, { fix: startOver, exitCode: ExitCode.declined });
      }
      steps.start('cluster', `deleting the unhealthy cluster ${labClusterName} and creating it again`);
      await provider.delete(labClusterName);
    }
    const configFile = await deps.renderConfig();
    const createStarted = steps.now();
    await createWithOneRetry(deps, provider, configFile, steps);
    const createMs = steps.now() - createStarted;
    steps.done('cluster', `created kind cluster ${labClusterName} (${provider.describe()}${deps.nodeImage ? `, node image ${deps.nodeImage.image} from ${deps.nodeImage.source}` : ''})`);
    return { client: await deps.connect(await provider.kubeconfig(labClusterName)), cluster: 'created', createMs };
  } catch (error) {
    steps.failedOnce('cluster', messageOf(error));
    throw error;
  }
}

/** What a reused cluster runs; a cluster on another node image than the one asked for says so, and is kept. */
async function reusedNodeImage(asked: NodeImage | undefined, provider: ClusterProvider): Promise<string> {
  const running = await provider.nodeImage(labClusterName);
  if (!running) return '';
  if (!asked || running === asked.image) return `; node image ${running}`;
  return `; it runs node image ${running}, not ${asked.image} (from ${asked.source}): to use that one, delete it first with \`k8s-sec-lab down --yes\` and run up again`;
}

async function createWithOneRetry(deps: UpDeps, provider: ClusterProvider, configFile: string, steps: StepReporter): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.interruptible((signal) => provider.create(labClusterName, { configFile, signal }));
      return;
    } catch (error) {
      const question = recoverable(error, deps.logFile);
      if (!question) throw error;
      steps.failed('cluster', question.kind === 'interrupted' ? 'interrupted: kind was stopped' : messageOf(error));
      if (attempt > 1) throw unrecovered(question, error, ExitCode.error);
      if (!(await deps.decide(question))) throw unrecovered(question, error, ExitCode.declined);
      steps.start('cluster', `deleting the half-created cluster ${labClusterName} and creating it again`);
      await provider.delete(labClusterName);
    }
  }
}

/** Only kind failing midway, or Ctrl-C, is worth a delete-and-retry; an engine problem would fail again. */
function recoverable(error: unknown, logFile: string): UpQuestion | undefined {
  if (error instanceof CommandInterruptedError) return { kind: 'interrupted', logFile };
  if (error instanceof KindCommandError && error.reason === 'failed') return { kind: 'create-failed', error, logFile };
  return undefined;
}

const startOver = 'delete it and start again with `k8s-sec-lab down --yes && k8s-sec-lab up`';

/** The end of a failed create: a declined retry exits as every declined question does. */
function unrecovered(question: UpQuestion, error: unknown, exitCode: ExitCode): LabError {
  if (question.kind === 'interrupted') {
    return new LabError(`interrupted: kind create cluster was stopped and the cluster was not marked; a half-created ${labClusterName} may remain (kind's output: ${question.logFile})`, {
      fix: startOver,
      exitCode,
    });
  }
  const fix = error instanceof LabError && error.fix ? `${error.fix}; then ${startOver}` : startOver;
  return new LabError(messageOf(error), { fix, cause: error, exitCode });
}

/** Both results once both have settled (neither is left running), or the first failure. */
async function settleBoth<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/** A cluster that was probed when it was created keeps that answer; anything else is probed now. */
async function probeUnlessKnown(deps: UpDeps, client: KubeClient, cluster: UpResult['cluster'], steps: StepReporter): Promise<NetworkPolicyProbeResult> {
  const marker = cluster === 'reused' ? await deps.readMarker(client) : undefined;
  if (marker && marker.networkPolicyEnforced !== 'unknown') {
    const known = { enforced: marker.networkPolicyEnforced, detail: `probed on ${marker.markedAt.slice(0, 10)}` };
    steps.skipped('network-policy', `enforced: ${known.enforced} (${known.detail})`);
    return known;
  }
  return steps.run('network-policy', async () => {
    const result = await deps.probeNetworkPolicy(client);
    return { value: result, detail: `enforced: ${result.enforced} (${result.detail})` };
  });
}

/** Emits start/done/failed/skipped events with each step's elapsed time. */
class StepReporter {
  private readonly startedAt = new Map<UpStep, number>();
  private readonly reported = new Set<UpStep>();

  constructor(
    private readonly report: (event: UpEvent) => void,
    readonly now: () => number,
  ) {}

  start(step: UpStep, detail?: string): void {
    this.startedAt.set(step, this.now());
    this.reported.delete(step);
    this.report({ step, status: 'start', elapsedMs: 0, ...(detail ? { detail } : {}) });
  }

  done(step: UpStep, detail?: string): void {
    this.finish(step, 'done', detail);
  }

  skipped(step: UpStep, detail: string): void {
    this.finish(step, 'skipped', detail);
  }

  failed(step: UpStep, detail: string): void {
    this.finish(step, 'failed', detail);
  }

  /** Reports a failure unless this attempt of the step already ended. */
  failedOnce(step: UpStep, detail: string): void {
    if (!this.reported.has(step)) this.failed(step, detail);
  }

  async run<T>(step: UpStep, body: () => Promise<{ value: T; detail?: string }>): Promise<T> {
    this.start(step);
    try {
      const { value, detail } = await body();
      this.done(step, detail);
      return value;
    } catch (error) {
      this.failed(step, messageOf(error));
      throw error;
    }
  }

  private finish(step: UpStep, status: 'done' | 'failed' | 'skipped', detail: string | undefined): void {
    const elapsedMs = this.startedAt.has(step) ? this.now() - (this.startedAt.get(step) ?? 0) : 0;
    this.reported.add(step);
    this.report({ step, status, elapsedMs, ...(detail ? { detail } : {}) });
  }
}
