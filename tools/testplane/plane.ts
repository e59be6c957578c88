import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiRequest, plainGetStatus, type ApiTarget } from './api.js';
import type { PlaneBinaries } from './build.js';
import {
  apiserverArgs,
  auditPolicyYaml,
  clusterName,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  planeLayout,
  schedulerArgs,
  type PlaneLayout,
  type PlanePorts,
} from './components.js';
import { newIdentities, writeServiceAccountKeys, writeTokenFile, type Identities } from './identities.js';
import { writeKubeconfig } from './kubeconfig.js';
import { fakeNodes } from './nodes.js';
import { kwokModuleDir } from './paths.js';
import { freePort } from './ports.js';
import { isRunning, logTail, residentBytes, startProcess, stopProcesses, type RunningProcess } from './processes.js';

/** What `up` records in <dir>/run/plane.json and tests read back. */
export interface PlaneState {
  dir: string;
  kubernetesVersion: string;
  server: string;
  /** PEM bundle that verifies the API server's serving certificate. */
  ca: string;
  ports: PlanePorts;
  kubeconfig: string;
  testerKubeconfig: string;
  kubectl: string;
  auditLog: string;
  identities: Identities;
  processes: RunningProcess[];
  startedAt: string;
}

/** A plane that could not start or stop; the message carries the failing component's log tail. */
export class PlaneError extends Error {
  override readonly name = 'PlaneError';
}

const readyTimeoutMs = 60_000;
/** Names `up` creates inside <dir>; anything else there means the directory is not ours. */
const ownedEntries = new Set(['bin', 'etcd', 'pki', 'logs', 'run', 'audit', 'kwok.yaml', 'kubeconfig', 'kubeconfig-tester']);

export async function readPlaneState(dir: string): Promise<PlaneState | undefined> {
  try {
    return JSON.parse(await readFile(planeLayout(resolve(dir)).state, 'utf8')) as PlaneState;
  } catch {
    return undefined;
  }
}

/** Starts etcd, the API server, controller-manager, scheduler and kwok, and waits until they serve. */
export async function up(dirArg: string, binaries: PlaneBinaries, log: (line: string) => void): Promise<PlaneState> {
  const layout = planeLayout(resolve(dirArg));
  await claimDirectory(layout, log);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPlane(layout, binaries, log);
    } catch (error) {
      // Free ports are probed, then bound later by another process: lose that race, try new ports.
      if (attempt < 3 && error instanceof PlaneError && /address already in use/.test(error.message)) {
        log(`a port was taken while starting (attempt ${attempt}); retrying with new ports`);
        await clearDirectory(layout);
        continue;
      }
      throw error;
    }
  }
}

/** Stops every process `up` started in <dir> (no orphans) and removes the run state. */
export async function down(dirArg: string, log: (line: string) => void): Promise<void> {
  const layout = planeLayout(resolve(dirArg));
  const state = await readPlaneState(layout.dir);
  if (!state) {
    log(`no plane state in ${layout.dir}; nothing to stop`);
    return;
  }
  await stopProcesses([...state.processes].reverse());
  await rm(layout.run, { recursive: true, force: true });
  log(`stopped ${state.processes.length} processes of the plane in ${layout.dir}`);
}

/** Total resident memory of the plane's processes. */
export function planeResidentBytes(state: PlaneState): number {
  return state.processes.reduce((sum, proc) => sum + residentBytes(proc.pid), 0);
}

async function claimDirectory(layout: PlaneLayout, log: (line: string) => void): Promise<void> {
  const state = await readPlaneState(layout.dir);
  if (state) {
    const alive = state.processes.filter(isRunning);
    if (alive.length > 0) {
      throw new PlaneError(
        `a plane is already running in ${layout.dir} (${alive.map((p) => `${p.name} pid ${p.pid}`).join(', ')}); ` +
          `stop it with: npm run testplane:down -- --dir ${layout.dir}`,
      );
    }
    log(`removing the state of a plane in ${layout.dir} that did not shut down cleanly`);
  }
  const entries = existsSync(layout.dir) ? await readdir(layout.dir) : [];
  const foreign = entries.filter((entry) => !ownedEntries.has(entry));
  if (foreign.length > 0) {
    throw new PlaneError(
      `${layout.dir} holds files a test plane did not create (${foreign.slice(0, 3).join(', ')}); choose an empty or new directory`,
    );
  }
  await clearDirectory(layout);
}

async function clearDirectory(layout: PlaneLayout): Promise<void> {
  for (const entry of ownedEntries) await rm(join(layout.dir, entry), { recursive: true, force: true });
  for (const dir of [layout.bin, layout.etcdData, layout.servingCerts, layout.componentKubeconfigs, layout.logs, layout.run, layout.audit]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
}

async function startPlane(layout: PlaneLayout, binaries: PlaneBinaries, log: (line: string) => void): Promise<PlaneState> {
  const started = Date.now();
  const identities = newIdentities();
  const serviceAccountKeys = await writeServiceAccountKeys(layout.pki);
  await writeTokenFile(layout.tokenFile, identities);
  await writeFile(layout.auditPolicy, auditPolicyYaml);
  await writeFile(layout.kwokConfig, await readFile(join(kwokModuleDir, 'stages.yaml')));
  const ports: PlanePorts = { etcdClient: await freePort(), etcdPeer: await freePort(), apiserver: await freePort() };
  const server = `https://127.0.0.1:${ports.apiserver}`;

  const processes: RunningProcess[] = [];
  const start = (name: string, executable: string, args: string[]) => {
    const proc = startProcess(name, executable, args, join(layout.logs, `${name}.log`));
    processes.push(proc);
    return proc;
  };
  const failFast = () => {
    const dead = processes.find((proc) => !isRunning(proc));
    if (dead) throw new PlaneError(`${dead.name} exited early; last lines of ${dead.log}:\n${logTail(dead.log)}`);
  };

  try {
    start('etcd', binaries.testplane, etcdArgs(layout, ports));
    await waitFor('etcd /health', failFast, async () =>
      (await plainGetStatus(`http://127.0.0.1:${ports.etcdClient}/health`)) === 200 || undefined,
    );
    start('kube-apiserver', binaries.testplane, apiserverArgs(layout, ports, serviceAccountKeys));
    const ca = await waitFor('the API server to write its serving certificate', failFast, () =>
      readFile(join(layout.servingCerts, 'apiserver.crt'), 'utf8').catch(() => undefined),
    );
    const admin: ApiTarget = { server, ca, token: identities.admin.token };
    await waitFor('kube-apiserver /readyz', failFast, async () => (await safeGet(admin, '/readyz'))?.status === 200 || undefined);
    log(`kube-apiserver ready on ${server} after ${seconds(started)}`);

    const kubeconfigFor = (path: string, user: keyof Identities) =>
      writeKubeconfig(path, { clusterName, server, certificateAuthority: ca, user: identities[user].user, token: identities[user].token });
    await kubeconfigFor(layout.kubeconfig, 'admin');
    await kubeconfigFor(layout.testerKubeconfig, 'tester');
    await kubeconfigFor(join(layout.componentKubeconfigs, 'controller-manager'), 'controllerManager');
    await kubeconfigFor(join(layout.componentKubeconfigs, 'scheduler'), 'scheduler');
    await kubeconfigFor(join(layout.componentKubeconfigs, 'kwok'), 'kwok');
    const kubectl = join(layout.bin, 'kubectl');
    // The multi-call binary dispatches on the name it is invoked as.
    await symlink(binaries.testplane, kubectl);

    const nodeList = fakeNodes() as { items: { metadata: { name: string } }[] };
    for (const node of nodeList.items) {
      const created = await apiRequest(admin, 'POST', '/api/v1/nodes', node);
      if (created.status !== 201) throw new PlaneError(`creating node ${node.metadata.name} failed: HTTP ${created.status} ${created.body}`);
    }
    start('kube-controller-manager', binaries.testplane, controllerManagerArgs(layout, serviceAccountKeys.privateKey, join(layout.servingCerts, 'apiserver.crt')));
    start('kube-scheduler', binaries.testplane, schedulerArgs(layout));
    start('kwok', binaries.kwok, kwokArgs(layout));

    await waitFor('the fake nodes to become Ready', failFast, async () => {
      const res = await safeGet(admin, '/api/v1/nodes');
      if (res?.status !== 200) return undefined;
      const nodes = (JSON.parse(res.body) as { items: NodeStatus[] }).items;
      return nodes.length === nodeList.items.length && nodes.every(isReady) ? true : undefined;
    });
    // Pods are only admitted once the service-account controller made the default account.
    await waitFor('the controller-manager to create default service accounts', failFast, async () =>
      (await safeGet(admin, '/api/v1/namespaces/default/serviceaccounts/default'))?.status === 200 || undefined,
    );

    const state: PlaneState = {
      dir: layout.dir,
      kubernetesVersion: binaries.kubernetesVersion,
      server,
      ca,
      ports,
      kubeconfig: layout.kubeconfig,
      testerKubeconfig: layout.testerKubeconfig,
      kubectl,
      auditLog: layout.auditLog,
      identities,
      processes,
      startedAt: new Date(started).toISOString(),
    };
    await writeFile(layout.state, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    log(`plane ready in ${seconds(started)}: ${processes.length} processes, ${Math.round(planeResidentBytes(state) / 2 ** 20)} MiB resident`);
    return state;
  } catch (error) {
    await stopProcesses(processes.reverse()).catch(() => undefined);
    throw error instanceof PlaneError ? error : new PlaneError(String(error instanceof Error ? error.message : error));
  }
}

interface NodeStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

function isReady(node: NodeStatus): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

async function safeGet(target: ApiTarget, path: string) {
  try {
    return await apiRequest(target, 'GET', path);
  } catch {
    return undefined;
  }
}

/** Polls `probe` until it yields a value, failing fast when a component died. */
async function waitFor<T>(what: string, failFast: () => void, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    failFast();
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new PlaneError(`timed out after ${readyTimeoutMs / 1000}s waiting for ${what}`);
    await sleep(100);
  }
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
