/**
 * The hop limit, proven on real kernel routing: network namespaces wired like a kind
 * node with kindnet (ptp veth pairs, the node as the pods' gateway), the emulator in
 * its own "pod" namespace, and node-route.sh pointing the node's 169.254.169.254/32
 * route at it, exactly as the DaemonSet does. Beyond the node's default route sits
 * "outside", the machine running kind, with a metadata service of its own (as a
 * cloud VM has) that lab traffic must never reach.
 *
 *   client pod 10.244.0.3 --vpod--> node (forwards, TTL - 1) --vimds--> emulator pod 10.244.0.2
 *                                     |                                 169.254.169.254 on lo
 *                                     +--vout (default route)--> outside 192.0.2.2
 *                                                                169.254.169.254 on lo
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { addonsDir } from '../../../tools/addons/code-configmap.js';
import { addonDir, ImdsProcess, python3Available, SettingsDir, skipWithoutIt, vulnerableSettings } from './imds-harness.js';

const run = promisify(execFile);

const NAMESPACE_PREFIX = 'k8slab-imds-';
const namespaces = {
  node: `${NAMESPACE_PREFIX}${process.pid}-node`,
  emulator: `${NAMESPACE_PREFIX}${process.pid}-emulator`,
  pod: `${NAMESPACE_PREFIX}${process.pid}-pod`,
  outside: `${NAMESPACE_PREFIX}${process.pid}-outside`,
};
const EMULATOR_POD_IP = '10.244.0.2';
const CLIENT_POD_IP = '10.244.0.3';
const GATEWAY = '10.244.0.1';
/** The kind node's own address (its eth0), where a hostNetwork server would listen. */
const NODE_IP = '172.18.0.2';
/** Documentation addresses (TEST-NET-1) for the link between the node and the outside. */
const NODE_UPLINK_IP = '192.0.2.1';
const OUTSIDE_IP = '192.0.2.2';
const IMDS = 'http://169.254.169.254';
const nodeRouteScript = `${addonsDir}node-route.sh`;
const httpClient = fileURLToPath(new URL('../../fixtures/imds/http_client.py', import.meta.url));

function netnsAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = `${NAMESPACE_PREFIX}${process.pid}-probe`;
  if (spawnSync('ip', ['netns', 'add', probe], { stdio: 'ignore' }).status !== 0) return false;
  spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  return true;
}

const skip = skipWithoutIt(
  python3Available() && netnsAvailable(),
  'IMDS hop-limit tests: they need Linux, root, iproute2 (`ip netns`) and python3',
);

describe.skipIf(skip)('IMDS hop limit across a kind-like node (network namespaces)', () => {
  let settings: SettingsDir;
  let emulator: ImdsProcess;
  let outsideImds: ImdsProcess;
  let nodeRoute: ChildProcess;

  beforeAll(async () => {
    deleteNamespacesOfDeadRuns();
    await buildNode();
    // The DaemonSet's init container, run as written in the manifest.
    await run('ip', ['netns', 'exec', namespaces.emulator, ...(await initContainerCommand())]);
    settings = await SettingsDir.create();
    emulator = await ImdsProcess.start({
      bind: '169.254.169.254',
      port: 80,
      settingsDir: settings.path,
      prefix: ['ip', 'netns', 'exec', namespaces.emulator],
    });
    outsideImds = await ImdsProcess.start({
      bind: '169.254.169.254',
      port: 80,
      settingsDir: settings.path,
      prefix: ['ip', 'netns', 'exec', namespaces.outside],
    });
    nodeRoute = spawn('ip', ['netns', 'exec', namespaces.node, 'sh', nodeRouteScript, 'keep'], {
      env: { ...process.env, POD_IP: EMULATOR_POD_IP, ROUTED_ADDRESS: '169.254.169.254' },
      stdio: 'ignore',
    });
    await waitForRoute();
  }, 30_000);

  afterAll(async () => {
    if (nodeRoute && nodeRoute.exitCode === null) {
      const exited = new Promise((resolve) => nodeRoute.once('exit', resolve));
      nodeRoute.kill('SIGTERM');
      await exited;
    }
    await emulator?.stop();
    await outsideImds?.stop();
    await settings?.remove();
    for (const name of Object.values(namespaces)) deleteNamespace(name);
  });

  beforeEach(() => settings.write(vulnerableSettings));

  it('node-route.sh points the node route for 169.254.169.254/32 at the emulator pod, over an unreachable backstop', async () => {
    expect(await imdsRoutes()).toEqual([
      `169.254.169.254 via ${EMULATOR_POD_IP} dev vimds onlink`,
      'unreachable 169.254.169.254 metric 65535',
    ]);
    const since = emulator.mark();
    expect(await client(namespaces.pod, 'GET', '/latest/meta-data/instance-id')).toMatchObject({ status: 200 });
    expect(await emulator.nextRequest(since)).toMatchObject({ client: CLIENT_POD_IP });
  });

  it('hop limit 1: the node gets a token, a pod does not (the node drops the TTL-1 response it would forward)', async () => {
    await settings.write({ 'http-put-response-hop-limit': '1' });
    expect(await putToken(namespaces.node)).toMatchObject({ status: 200 });

    const since = emulator.mark();
    expect(await putToken(namespaces.pod)).toEqual({ error: 'timeout' });
    // The emulator did answer the pod, with TTL 1: the packet died on the node.
    expect(await emulator.nextRequest(since)).toMatchObject({
      method: 'PUT',
      status: 200,
      client: CLIENT_POD_IP,
      ttl: 1,
    });
  }, 20_000);

  it('hop limit 1 does not protect IMDSv1: a pod still reads the node credentials', async () => {
    await settings.write({ 'http-put-response-hop-limit': '1' });
    const credentials = await client(namespaces.pod, 'GET', '/latest/meta-data/iam/security-credentials/k8s-sec-lab-node-role');
    expect(credentials).toMatchObject({ status: 200 });
    expect(credentials.body).toContain('AccessKeyId');
  }, 20_000);

  it('tokens required + hop limit 1 locks pods out while the node keeps its access', async () => {
    await settings.write({ 'http-tokens': 'required', 'http-put-response-hop-limit': '1' });
    expect(await client(namespaces.pod, 'GET', '/latest/meta-data/iam/security-credentials/')).toMatchObject({ status: 401 });
    expect(await putToken(namespaces.pod)).toEqual({ error: 'timeout' });

    const nodeToken = await putToken(namespaces.node);
    expect(nodeToken).toMatchObject({ status: 200 });
    const role = await client(namespaces.node, 'GET', '/latest/meta-data/iam/security-credentials/', [
      `X-aws-ec2-metadata-token:${nodeToken.body}`,
    ]);
    expect(role).toEqual({ status: 200, body: 'k8s-sec-lab-node-role' });
  }, 20_000);

  it('hop limit 2: a pod gets a token and can use it', async () => {
    await settings.write({ 'http-tokens': 'required', 'http-put-response-hop-limit': '2' });
    const podToken = await putToken(namespaces.pod);
    expect(podToken).toMatchObject({ status: 200 });
    const role = await client(namespaces.pod, 'GET', '/latest/meta-data/iam/security-credentials/', [
      `X-aws-ec2-metadata-token:${podToken.body}`,
    ]);
    expect(role).toEqual({ status: 200, body: 'k8s-sec-lab-node-role' });
  }, 20_000);

  it('a hostNetwork emulator would leak tokens to pods at hop limit 1 (why the emulator has its own pod network)', async () => {
    await settings.write({ 'http-put-response-hop-limit': '1' });
    const onHostNetwork = await ImdsProcess.start({
      bind: NODE_IP,
      port: 8080,
      settingsDir: settings.path,
      prefix: ['ip', 'netns', 'exec', namespaces.node],
    });
    try {
      const since = onHostNetwork.mark();
      // The node delivers its own response to the pod without forwarding it: TTL 1 arrives.
      expect(await putToken(namespaces.pod, `http://${NODE_IP}:8080`)).toMatchObject({ status: 200 });
      expect(await onHostNetwork.nextRequest(since)).toMatchObject({ ttl: 1, client: CLIENT_POD_IP });
    } finally {
      await onHostNetwork.stop();
    }
  }, 20_000);

  it('node-route.sh removes its route when stopped, leaving only the unreachable backstop', async () => {
    const exited = new Promise((resolve) => nodeRoute.once('exit', resolve));
    nodeRoute.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await imdsRoutes()).toEqual(['unreachable 169.254.169.254 metric 65535']);
    expect(routeCheckPasses()).toBe(false);
  }, 20_000);

  it('without the emulator, 169.254.169.254 fails fast and never reaches the metadata service outside the node', async () => {
    const since = outsideImds.mark();
    for (const namespace of [namespaces.pod, namespaces.node]) {
      expect(await client(namespace, 'GET', '/latest/meta-data/iam/security-credentials/')).toMatchObject({
        error: expect.stringMatching(/unreachable|no route to host/i),
      });
    }
    expect(outsideImds.log.slice(since)).toEqual([]);
  }, 20_000);
});

/** Wires the namespaces as kindnet's ptp plugin wires a node and its pods. */
async function buildNode(): Promise<void> {
  const ip = (...args: string[]) => run('ip', args);
  for (const name of Object.values(namespaces)) {
    await ip('netns', 'add', name);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
  }
  await ip('netns', 'exec', namespaces.node, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward');
  await ip('-n', namespaces.node, 'addr', 'add', `${NODE_IP}/32`, 'dev', 'lo');
  for (const [pod, podIp, veth] of [
    [namespaces.emulator, EMULATOR_POD_IP, 'vimds'],
    [namespaces.pod, CLIENT_POD_IP, 'vpod'],
  ] as const) {
    await ip('-n', namespaces.node, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod);
    await ip('-n', pod, 'addr', 'add', `${podIp}/24`, 'dev', 'eth0');
    await ip('-n', pod, 'link', 'set', 'eth0', 'up');
    // ptp: even same-subnet traffic goes through the gateway, i.e. the node.
    await ip('-n', pod, 'route', 'del', '10.244.0.0/24', 'dev', 'eth0');
    await ip('-n', pod, 'route', 'add', `${GATEWAY}/32`, 'dev', 'eth0', 'scope', 'link', 'src', podIp);
    await ip('-n', pod, 'route', 'add', '10.244.0.0/24', 'via', GATEWAY, 'dev', 'eth0', 'src', podIp);
    await ip('-n', pod, 'route', 'add', 'default', 'via', GATEWAY, 'dev', 'eth0');
    await ip('-n', namespaces.node, 'addr', 'add', `${GATEWAY}/32`, 'dev', veth);
    await ip('-n', namespaces.node, 'link', 'set', veth, 'up');
    await ip('-n', namespaces.node, 'route', 'add', `${podIp}/32`, 'dev', veth, 'scope', 'host');
  }
  // The way out of the node, to a machine with a metadata service of its own.
  await ip('-n', namespaces.node, 'link', 'add', 'vout', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespaces.outside);
  await ip('-n', namespaces.node, 'addr', 'add', `${NODE_UPLINK_IP}/24`, 'dev', 'vout');
  await ip('-n', namespaces.node, 'link', 'set', 'vout', 'up');
  await ip('-n', namespaces.node, 'route', 'add', 'default', 'via', OUTSIDE_IP);
  await ip('-n', namespaces.outside, 'addr', 'add', `${OUTSIDE_IP}/24`, 'dev', 'eth0');
  await ip('-n', namespaces.outside, 'link', 'set', 'eth0', 'up');
  await ip('-n', namespaces.outside, 'addr', 'add', '169.254.169.254/32', 'dev', 'lo');
  await ip('-n', namespaces.outside, 'route', 'add', '10.244.0.0/16', 'via', NODE_UPLINK_IP);
}

async function imdsRoutes(): Promise<string[]> {
  const { stdout } = await run('ip', ['-n', namespaces.node, 'route', 'show', '169.254.169.254/32']);
  return stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Deletes a namespace, killing first whatever a failed test left running in it. */
function deleteNamespace(name: string): void {
  const { stdout } = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  for (const pid of (stdout ?? '').split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
}

/** A test run killed before its afterAll (say, by a closed stdout pipe) leaves its namespaces behind. */
function deleteNamespacesOfDeadRuns(): void {
  const { stdout } = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const name of (stdout ?? '').split('\n').map((line) => line.split(' ')[0] ?? '')) {
    const owner = new RegExp(`^${NAMESPACE_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner !== undefined && !processExists(Number(owner))) deleteNamespace(name);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function initContainerCommand(): Promise<string[]> {
  const text = await readFile(`${addonDir}imds-emulator.yaml`, 'utf8');
  const daemonSet = parseAllDocuments(text)
    .map((document) => document.toJS() as { kind?: string; spec?: { template: { spec: { initContainers: { command: string[] }[] } } } })
    .find((object) => object.kind === 'DaemonSet');
  return daemonSet!.spec!.template.spec.initContainers[0]!.command;
}

/** node-route.sh check: does the node's route point at the emulator pod? */
function routeCheckPasses(): boolean {
  const result = spawnSync('ip', ['netns', 'exec', namespaces.node, 'sh', nodeRouteScript, 'check'], {
    env: { ...process.env, POD_IP: EMULATOR_POD_IP, ROUTED_ADDRESS: '169.254.169.254' },
    stdio: 'ignore',
  });
  return result.status === 0;
}

async function waitForRoute(): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (routeCheckPasses()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('node-route.sh did not point 169.254.169.254/32 at the emulator pod within 5 s');
}

interface ClientResult {
  status?: number;
  body?: string;
  error?: string;
}

/** One request from inside a network namespace; a response that never arrives is {error: 'timeout'}. */
async function client(
  namespace: string,
  method: string,
  path: string,
  headers: string[] = [],
  base = IMDS,
): Promise<ClientResult> {
  const { stdout } = await run('ip', ['netns', 'exec', namespace, 'python3', httpClient, method, `${base}${path}`, '1.5', ...headers], {
    timeout: 10_000,
  });
  return JSON.parse(stdout) as ClientResult;
}

function putToken(namespace: string, base = IMDS): Promise<ClientResult> {
  return client(namespace, 'PUT', '/latest/api/token', ['X-aws-ec2-metadata-token-ttl-seconds:60'], base);
}
