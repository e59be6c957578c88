import { readFile, statfs } from 'node:fs/promises';
import { arch, freemem, homedir, totalmem } from 'node:os';
import { parse } from 'yaml';
import { messageOf } from '../../errors.js';
import type { KubeClient } from '../../kube/client.js';
import { kubeconfigFiles } from '../../kube/config.js';
import { readClusterDnsIsolation } from '../coredns.js';
import { cgroupRoot, hostCgroupVersion, type CgroupVersion } from '../cgroup.js';
import { readMarker, type LabMarker } from '../guard.js';
import type { NodeImage } from '../kind/config.js';
import { engineStatus, type ContainerEngine, type EngineStatus } from '../kind/engine.js';
import { clientFromKubeconfig } from '../kind/kubeconfig.js';
import { findOnPath, locateKind, type KindLookup } from '../kind/locate.js';
import { kindProviderFor } from '../kind/provider.js';
import { checkReadiness } from '../kind/readiness.js';
import { labClusterName } from '../../names.js';
import { execaRunner, type Runner } from '../runner.js';

/** What the doctor observed; the items in items.ts judge it without any I/O. */
export interface DoctorFacts {
  platform: NodeJS.Platform;
  arch: string;
  engine: { name: ContainerEngine; status: EngineStatus };
  kind: KindLookup;
  kubectl: { path: string; version: string | undefined } | undefined;
  memory: { totalBytes: number; freeBytes: number };
  /** Free space where the engine keeps images (or the home directory when that is not local). */
  disk: { path: string; freeBytes: number | undefined };
  /** Linux only: fs.inotify limits, which kind nodes exhaust ("too many open files"). */
  inotify: { maxUserWatches: number | undefined; maxUserInstances: number | undefined } | undefined;
  /** Linux only: the host's cgroup version (kind's nodes share its kernel), undefined when none is mounted. */
  cgroup: { version: CgroupVersion | undefined } | undefined;
  cluster: ClusterFact;
  /** The node image `up` would create the cluster from, and the one the lab cluster runs (when it exists and the engine says). */
  nodeImage: { chosen: NodeImage | undefined; running: string | undefined };
  kubeconfig: { files: string[]; currentContext: string | undefined; contexts: string[] };
}

export type ClusterFact =
  | { state: 'unknown'; reason: string }
  | { state: 'absent' }
  | { state: 'unhealthy'; detail: string; nodeImage?: string }
  | { state: 'healthy'; detail: string; marker: LabMarker | undefined; dns: ClusterDnsFact; nodeImage?: string };

/** CoreDNS's upstreams, read from its Corefile; undefined when the cluster has no kube-system/coredns ConfigMap. */
export type ClusterDnsFact = { isolated: boolean; upstreams: string[] } | { unreadable: string } | undefined;

export interface DoctorDeps {
  env: NodeJS.ProcessEnv;
  engine: ContainerEngine;
  /** The node image `up` would use (its option aside), mapped already. */
  nodeImage?: NodeImage;
  runner?: Runner;
  platform?: NodeJS.Platform;
  arch?: string;
}

/** Per-command time limit: the doctor must stay quick even when an engine hangs. */
const timeoutMs = 5_000;

/** Looks at everything at once (the doctor's whole run should take about a second). */
export async function gatherDoctorFacts(deps: DoctorDeps): Promise<DoctorFacts> {
  const runner = deps.runner ?? execaRunner;
  const platform = deps.platform ?? process.platform;
  const { env } = deps;
  const enginePromise = engineStatus(runner, deps.engine, env, platform, timeoutMs).catch(
    (error: unknown): EngineStatus => ({ state: 'unreachable', problem: { kind: 'engine-unavailable', message: messageOf(error), fix: `check \`${deps.engine} info\`` } }),
  );
  const kindPromise = locateKind(runner, env, platform);
  const [engine, kind, kubectl, inotify, kubeconfig] = await Promise.all([
    enginePromise,
    kindPromise,
    kubectlFact(runner, env, platform, timeoutMs),
    platform === 'linux' ? inotifyFact() : Promise.resolve(undefined),
    kubeconfigFact(env),
  ]);
  const [disk, cluster] = await Promise.all([
    diskFact(engine, env),
    clusterFact({ runner, env, platform, engine: deps.engine, engineState: engine, kind }),
  ]);
  return {
    platform,
    arch: deps.arch ?? arch(),
    engine: { name: deps.engine, status: engine },
    kind,
    kubectl,
    memory: { totalBytes: totalmem(), freeBytes: freemem() },
    disk,
    inotify,
    cgroup: platform === 'linux' ? { version: hostCgroupVersion(cgroupRoot(env)) } : undefined,
    cluster,
    nodeImage: { chosen: deps.nodeImage, running: 'nodeImage' in cluster ? cluster.nodeImage : undefined },
    kubeconfig,
  };
}

async function kubectlFact(runner: Runner, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, timeoutMs: number): Promise<DoctorFacts['kubectl']> {
  const path = await findOnPath('kubectl', env, platform);
  if (!path) return undefined;
  try {
    const { stdout } = await runner(path, ['version', '--client', '-o', 'json'], { env, timeoutMs });
    return { path, version: (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion };
  } catch {
    return { path, version: undefined };
  }
}

async function inotifyFact(): Promise<DoctorFacts['inotify']> {
  const read = async (name: string) => {
    const value = Number.parseInt(await readFile(`/proc/sys/fs/inotify/${name}`, 'utf8').catch(() => ''), 10);
    return Number.isFinite(value) ? value : undefined;
  };
  const [maxUserWatches, maxUserInstances] = await Promise.all([read('max_user_watches'), read('max_user_instances')]);
  return { maxUserWatches, maxUserInstances };
}

async function diskFact(engine: EngineStatus, env: NodeJS.ProcessEnv): Promise<DoctorFacts['disk']> {
  const candidates = [engine.state === 'running' ? engine.rootDir : undefined, env.HOME ?? homedir()].filter((path): path is string => Boolean(path));
  for (const path of candidates) {
    try {
      const stats = await statfs(path);
      return { path, freeBytes: stats.bavail * stats.bsize };
    } catch {
      // Docker Desktop reports a root dir inside its VM: fall back to the home directory.
    }
  }
  return { path: candidates.at(-1) ?? '~', freeBytes: undefined };
}

async function kubeconfigFact(env: NodeJS.ProcessEnv): Promise<DoctorFacts['kubeconfig']> {
  const files = kubeconfigFiles({ env });
  const contexts: string[] = [];
  let currentContext: string | undefined;
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      const config = (parse(text) ?? {}) as { 'current-context'?: string; contexts?: { name?: string }[] };
      // Like kubectl: the first file that sets current-context wins; contexts merge.
      currentContext ??= config['current-context'] || undefined;
      for (const context of config.contexts ?? []) if (context.name) contexts.push(context.name);
    } catch {
      continue;
    }
  }
  return { files, currentContext, contexts };
}

interface ClusterProbeDeps {
  runner: Runner;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  engine: ContainerEngine;
  engineState: EngineStatus;
  kind: KindLookup;
}

async function clusterFact(deps: ClusterProbeDeps): Promise<ClusterFact> {
  if (deps.kind.status === 'missing') return { state: 'unknown', reason: 'kind is not installed' };
  if (deps.engineState.state !== 'running') return { state: 'unknown', reason: `${deps.engine} is not running` };
  const provider = kindProviderFor(deps.kind.kind, deps.engine, deps.env, { runner: deps.runner, platform: deps.platform });
  let client: KubeClient | undefined;
  try {
    if (!(await provider.list()).includes(labClusterName)) return { state: 'absent' };
    const running = await provider.nodeImage(labClusterName).catch(() => undefined);
    const nodeImage = running ? { nodeImage: running } : {};
    client = await clientFromKubeconfig(await provider.kubeconfig(labClusterName), deps.env);
    const [readiness, marker, dns] = await Promise.all([
      checkReadiness(client, 1),
      readMarker(client).catch(() => undefined),
      readClusterDnsIsolation(client).catch((error: unknown): ClusterDnsFact => ({ unreadable: messageOf(error) })),
    ]);
    return readiness.ready ? { state: 'healthy', detail: readiness.detail, marker, dns, ...nodeImage } : { state: 'unhealthy', detail: readiness.detail, ...nodeImage };
  } catch (error) {
    return { state: 'unhealthy', detail: messageOf(error) };
  } finally {
    client?.close();
  }
}
