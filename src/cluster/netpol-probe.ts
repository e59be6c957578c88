import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { noImageMap, rewriteImages, type ImageMap } from '../manifests/image-map.js';
import type { KubeObject } from '../model/k8s.js';
import type { LabMarker } from './guard.js';
import { managedByLabel, managedByValue } from '../names.js';
import { isFakeNode } from './runtime.js';

export interface NetworkPolicyProbeResult {
  enforced: LabMarker['networkPolicyEnforced'];
  /** Why: what was observed, in one sentence. */
  detail: string;
}

export interface NetworkPolicyProbeOptions {
  namespace?: string;
  /** How long pods may take to start (image pulls on a fresh cluster). */
  podTimeoutMs?: number;
  /** How long a deny policy may take to reach the dataplane. */
  enforcementTimeoutMs?: number;
  intervalMs?: number;
  /** The probe pods' image goes through it, like every manifest the lab renders. */
  images?: ImageMap;
}

interface PodStatus extends KubeObject {
  spec?: { nodeName?: string };
  status?: { podIP?: string; conditions?: { type?: string; status?: string }[] };
}

// The IMDS add-on's image: one pull on each node serves both.
export const probeImage = 'python:3.13-alpine@sha256:79e7a9b9ff1cbceff819f856fb374477792a5967759d94df266de7b7b4120e6f';
const port = 8080;
const pods = { apiVersion: 'v1', kind: 'Pod' };

/**
 * Proves whether the cluster enforces NetworkPolicy, because kindnet fails
 * open (and does not enforce on WSL2): a client pod must reach a server pod,
 * and must stop reaching it once a deny-all ingress policy selects the server.
 * "unknown" when the pods cannot run or be exec'd into (no container runtime).
 * Everything lives in its own namespace, deleted afterwards.
 */
export async function probeNetworkPolicy(client: KubeClient, options: NetworkPolicyProbeOptions = {}): Promise<NetworkPolicyProbeResult> {
  // A fresh name each run: a namespace left terminating by an interrupted probe cannot take new pods.
  const namespace = options.namespace ?? `k8s-sec-lab-netpol-probe-${randomBytes(3).toString('hex')}`;
  const intervalMs = options.intervalMs ?? 1_000;
  try {
    await client.apply(namespaceObject(namespace));
    await pollUntil(async () => (await client.get({ apiVersion: 'v1', kind: 'ServiceAccount' }, 'default', namespace)) !== undefined, options.podTimeoutMs ?? 120_000, intervalMs);
    const images = options.images ?? noImageMap;
    await client.apply(rewriteImages(probePod(namespace, 'server', ['python3', '-m', 'http.server', String(port)]), images));
    await client.apply(rewriteImages(probePod(namespace, 'client', ['sleep', '3600']), images));

    const scheduled = await pollUntil(async () => {
      const list = await client.list<PodStatus>(pods, { namespace });
      return list.length === 2 && list.every((pod) => pod.spec?.nodeName) ? list : undefined;
    }, options.podTimeoutMs ?? 120_000, intervalMs);
    if (!scheduled) return { enforced: 'unknown', detail: 'the probe pods were not scheduled in time' };
    const fake = await fakeNodeOf(client, scheduled);
    if (fake) return { enforced: 'unknown', detail: `node ${fake} has no container runtime (kwok), so no packet can be sent` };

    const ready = await pollUntil(async () => {
      const list = await client.list<PodStatus>(pods, { namespace });
      return list.length === 2 && list.every(isReady) ? list : undefined;
    }, options.podTimeoutMs ?? 120_000, intervalMs);
    const serverIp = ready?.find((pod) => pod.metadata?.name === 'server')?.status?.podIP;
    if (!serverIp) return { enforced: 'unknown', detail: 'the probe pods did not become Ready in time' };

    const connect = () => canConnect(client, namespace, serverIp);
    if (!(await connect())) return { enforced: 'unknown', detail: 'the probe pods cannot reach each other even without a policy' };
    await client.apply(denyAllIngress(namespace));
    const blocked = await pollUntil(async () => !(await connect()), options.enforcementTimeoutMs ?? 20_000, intervalMs);
    return blocked
      ? { enforced: 'true', detail: 'a deny-all NetworkPolicy blocked a connection that worked without it' }
      : {
          enforced: 'false',
          detail: `a deny-all NetworkPolicy did not block traffic within ${Math.round((options.enforcementTimeoutMs ?? 20_000) / 1000)}s: this cluster's network plugin does not enforce NetworkPolicy`,
        };
  } catch (error) {
    return { enforced: 'unknown', detail: `the probe could not run: ${messageOf(error)}` };
  } finally {
    await client.delete({ apiVersion: 'v1', kind: 'Namespace' }, namespace).catch(() => false);
  }
}

/**
 * Exit status of a TCP connect from the client pod. An exec that fails is
 * tried twice more (on a loaded machine the first exec into a new pod can
 * time out); after that the failure propagates, meaning "unknown".
 */
async function canConnect(client: KubeClient, namespace: string, serverIp: string): Promise<boolean> {
  const script = `import socket, sys; socket.create_connection((sys.argv[1], ${port}), timeout=2).close()`;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await client.exec(namespace, 'client', 'probe', ['python3', '-c', script, serverIp]);
      return result.exitCode === 0;
    } catch (error) {
      if (attempt === execAttempts) throw error;
    }
  }
}

const execAttempts = 3;

async function fakeNodeOf(client: KubeClient, scheduled: PodStatus[]): Promise<string | undefined> {
  for (const name of new Set(scheduled.map((pod) => pod.spec?.nodeName ?? ''))) {
    const node = await client.get({ apiVersion: 'v1', kind: 'Node' }, name);
    if (node && isFakeNode(node)) return name;
  }
  return undefined;
}

function isReady(pod: PodStatus): boolean {
  return Boolean(pod.status?.podIP) && (pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false);
}

/** Resolves to the first truthy value `check` returns, or undefined when time runs out. */
async function pollUntil<T>(check: () => Promise<T>, timeoutMs: number, intervalMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}

const labels = { [managedByLabel]: managedByValue };

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' } },
  };
}

function probePod(namespace: string, role: 'server' | 'client', command: string[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: role, namespace, labels: { ...labels, 'k8s-sec-lab.io/netpol-probe': role } },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image: probeImage,
          command,
          ...(role === 'server' ? { readinessProbe: { tcpSocket: { port }, periodSeconds: 1 } } : {}),
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  };
}

function denyAllIngress(namespace: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny-server-ingress', namespace, labels },
    spec: { podSelector: { matchLabels: { 'k8s-sec-lab.io/netpol-probe': 'server' } }, policyTypes: ['Ingress'] },
  };
}
