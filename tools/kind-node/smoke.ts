import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { isolateClusterDns } from '../../src/cluster/coredns.js';
import { renderKindConfig } from '../../src/cluster/kind/config.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeAccess } from '../../src/kube/config.js';
import { labClientIdentity } from '../../src/names.js';
import { formatDuration } from '../build/go.js';
import { buildBinaries } from '../testplane/build.js';
import type { KindNodeBuild } from './build.js';
import { KindNodeError, run, type Log } from './run.js';

/**
 * A throw-away kind cluster from the built node image and the lab's own
 * labs/cluster/kind.yaml (image swapped, failCgroupV1: false for cgroup v1
 * hosts), checked the way the scenarios will use it: nodes and system pods,
 * exec, port-forward on 127.0.0.1, pod traffic across nodes, Service DNS,
 * busybox `wget -T`, NetworkPolicy deny and allow, a privileged hostPID pod
 * entering its node, and the stand-in images. CoreDNS gets no upstream (the
 * product's `up --isolated-dns` step), so test DNS never leaves the machine.
 */
export async function smoke(build: KindNodeBuild, options: { name: string; keep: boolean }, log: Log): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kind-node-smoke-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const config = await smokeConfig(dir, build);
  const { testplane } = await buildBinaries(log);
  const kubectl = (args: string[], input?: string) => run(testplane, ['kubectl', '--kubeconfig', kubeconfig, ...args], input === undefined ? {} : { input });
  const kind = (args: string[]) => run(build.kind, args);
  const hadKindNetwork = (await execa('docker', ['network', 'inspect', 'kind'], { reject: false })).exitCode === 0;
  const ok = (what: string) => log(`ok: ${what}`);

  let created = false;
  try {
    const started = Date.now();
    log(`kind create cluster --name ${options.name} --kubeconfig ${kubeconfig} --config ${config}`);
    created = true;
    await kind(['create', 'cluster', '--name', options.name, '--kubeconfig', kubeconfig, '--config', config]);
    log(`kind create cluster: ${formatDuration(Date.now() - started)}`);

    await waitFor('3 nodes Ready', 120, async () => {
      const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as { items: { status: { conditions: { type: string; status: string }[] } }[] };
      return nodes.items.length === 3 && nodes.items.every((node) => node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    });
    ok(`3 nodes Ready ${formatDuration(Date.now() - started)} after kind create started`);

    const client = await smokeClient(kubeconfig, options.name);
    try {
      ok(`isolated DNS: ${await isolateClusterDns(client)}`);
    } finally {
      client.close();
    }

    await waitFor('every kube-system and local-path-storage pod Running and ready', 180, async () => {
      const pods = JSON.parse(await kubectl(['get', 'pods', '-A', '-o', 'json'])) as { items: Pod[] };
      const system = pods.items.filter((pod) => ['kube-system', 'local-path-storage'].includes(pod.metadata.namespace));
      return system.length > 0 && system.every((pod) => pod.status.phase === 'Running' && (pod.status.containerStatuses ?? []).every((c) => c.ready));
    });
    ok(`all kube-system pods Running (${(await kubectl(['get', 'pods', '-n', 'kube-system', '-o', 'name'])).split('\n').length} pods)`);

    // Before kube-proxy runs, the kubernetes Service IP leads off the machine: the pod network must never dial it.
    for (const pod of (await kubectl(['-n', 'kube-system', 'get', 'pods', '-l', 'app=kindhere-net', '-o', 'name'])).split('\n')) {
      const logs = await kubectl(['-n', 'kube-system', 'logs', pod, '--all-containers']);
      if (logs.includes('10.96.0.1:443')) throw new KindNodeError(`${pod} dialled the API through the Service IP 10.96.0.1:\n${logs.split('\n').filter((line) => line.includes('10.96.0.1')).slice(0, 3).join('\n')}`);
    }
    ok('kindhere-net reached the API through the control plane endpoint only');

    await kubectl(['apply', '-f', '-'], workloads(options.name, build));
    await kubectl(['-n', 'smoke', 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    await kubectl(['-n', 'smoke', 'rollout', 'status', 'daemonset/node-shell', '--timeout=120s']);
    await kubectl(['-n', 'smoke', 'wait', '--for=condition=Ready', 'pod/client', 'pod/other', 'pod/redis', 'pod/python', '--timeout=120s']);
    const webPods = (JSON.parse(await kubectl(['-n', 'smoke', 'get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: Pod[] }).items;
    ok(`web Running on: ${webPods.map((pod) => pod.spec.nodeName).join(' ')}`);

    const exec = (pod: string, command: string[]) => kubectl(['-n', 'smoke', 'exec', pod, '--', ...command]);
    if ((await exec('client', ['echo', 'exec-works'])) !== 'exec-works') throw new KindNodeError('kubectl exec printed something else');
    ok('kubectl exec');

    const remote = webPods.find((pod) => pod.spec.nodeName !== `${options.name}-worker`);
    if (!remote?.status.podIP) throw new KindNodeError('no web pod outside the client node: the anti-affinity did not spread them');
    await portForward(testplane, kubeconfig, remote.metadata.name);
    ok(`port-forward 127.0.0.1 -> ${remote.metadata.name}:8080`);

    const wget = (url: string) => exec('client', ['wget', '-qO-', '-T', '5', url]);
    if (!(await wget(`http://${remote.status.podIP}:8080/`)).includes('hello from')) throw new KindNodeError('cross-node answer without the page');
    ok(`cross-node pod->pod client(${options.name}-worker) -> ${remote.status.podIP} (busybox wget -qO- -T 5)`);
    if (!(await wget('http://web.smoke.svc.cluster.local/')).includes('hello from')) throw new KindNodeError('Service answer without the page');
    ok('Service ClusterIP via CoreDNS name');

    const redisIP = (JSON.parse(await kubectl(['-n', 'smoke', 'get', 'pod', 'redis', '-o', 'json'])) as Pod).status.podIP ?? '';
    if ((await exec('redis', ['redis-cli', '-h', redisIP, 'ping'])) !== 'PONG') throw new KindNodeError('redis stand-in did not answer PONG on its pod IP');
    // Probes resolve a name with getent first, to tell broken DNS from a blocked connection.
    if (!(await exec('redis', ['getent', 'hosts', 'web.smoke.svc.cluster.local'])).includes('web.smoke.svc.cluster.local')) throw new KindNodeError('redis stand-in: getent hosts did not resolve a Service');
    const tools = await exec('python', ['sh', '-c', 'python3 -c "import json, ssl, http.server, sqlite3; print(1)" && python -c "print(2)" && for c in wget nc nsenter ip timeout getent; do command -v $c >/dev/null || echo missing $c; done']);
    if (tools !== '1\n2') throw new KindNodeError(`python stand-in: ${tools}`);
    // Not `run --rm -i`: on a loaded machine it can attach after the container exited and print only "pod deleted".
    await kubectl(['-n', 'smoke', 'run', 'kubectl-version', '--restart=Never', `--image=${build.standIns.kubectl}`, '--', 'version', '--client']);
    await kubectl(['-n', 'smoke', 'wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/kubectl-version', '--timeout=120s']);
    const version = await kubectl(['-n', 'smoke', 'logs', 'kubectl-version']);
    if (!version.includes('Client Version')) throw new KindNodeError(`kubectl stand-in: ${version}`);
    ok('stand-ins: redis answers on its pod IP (protected mode off) and resolves with getent, python3/python/sh/wget/nc/nsenter/ip/getent, kubectl');

    await kubectl(['apply', '-f', '-'], denyAll);
    await waitFor('default-deny to block client -> web', 30, async () => !(await reaches(exec, 'client', remote.status.podIP ?? '')));
    ok(`default-deny blocks client -> ${remote.status.podIP}`);
    await kubectl(['apply', '-f', '-'], allowClient);
    await waitFor('the allow policy to re-open client -> web', 30, () => reaches(exec, 'client', remote.status.podIP ?? ''));
    ok(`allow policy re-opens client -> ${remote.status.podIP}`);
    if (await reaches(exec, 'other', remote.status.podIP)) throw new KindNodeError('a pod without app=client still reaches web through the allow policy');
    ok('pod without app=client still blocked');

    const shells = (JSON.parse(await kubectl(['-n', 'smoke', 'get', 'pods', '-l', 'app=node-shell', '-o', 'json'])) as { items: Pod[] }).items;
    for (const pod of shells) {
      const hostname = await exec(pod.metadata.name, ['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', 'hostname']);
      const init = await exec(pod.metadata.name, ['cat', '/proc/1/comm']);
      if (hostname !== pod.spec.nodeName || init !== 'systemd') throw new KindNodeError(`node-shell on ${pod.spec.nodeName}: nsenter gave "${hostname}", PID 1 is "${init}"`);
    }
    ok(`privileged+hostPID pods on all ${shells.length} nodes see the node's systemd as PID 1; nsenter lands on the node`);

    log('ALL-OK');
  } finally {
    if (created && !options.keep) {
      const deleted = Date.now();
      await kind(['delete', 'cluster', '--name', options.name, '--kubeconfig', kubeconfig]).catch((error: unknown) => log(`kind delete failed: ${String(error)}`));
      log(`kind delete cluster: ${formatDuration(Date.now() - deleted)}`);
      if (!hadKindNetwork) await execa('docker', ['network', 'rm', 'kind'], { reject: false });
      await rm(dir, { recursive: true, force: true });
    } else if (created) {
      log(`cluster ${options.name} kept; kubeconfig: ${kubeconfig}`);
    }
  }
}

interface Pod {
  metadata: { name: string; namespace: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; containerStatuses?: { ready: boolean }[] };
}

/** labs/cluster/kind.yaml rendered by the product, with the local node image and the cgroup v1 patch. */
async function smokeConfig(dir: string, build: KindNodeBuild): Promise<string> {
  const path = await renderKindConfig(dir);
  const config = parse(await readFile(path, 'utf8')) as { nodes: { image?: string }[]; kubeadmConfigPatches?: string[] };
  for (const node of config.nodes) node.image = build.nodeImage;
  // kubelet >= 1.35 refuses cgroup v1 hosts unless told otherwise; harmless on cgroup v2.
  config.kubeadmConfigPatches = [...(config.kubeadmConfigPatches ?? []), 'kind: KubeletConfiguration\nfailCgroupV1: false\n'];
  await writeFile(path, stringify(config));
  return path;
}

/** A client for the smoke cluster, so the product's own steps run against it. */
async function smokeClient(kubeconfig: string, name: string): Promise<KubeClient> {
  return new KubeClient(await loadKubeAccess({ yaml: await readFile(kubeconfig, 'utf8'), context: `kind-${name}`, env: process.env }), labClientIdentity);
}

async function reaches(exec: (pod: string, command: string[]) => Promise<string>, pod: string, ip: string): Promise<boolean> {
  try {
    return (await exec(pod, ['wget', '-qO-', '-T', '3', `http://${ip}:8080/`])).includes('hello from');
  } catch {
    return false;
  }
}

async function portForward(testplane: string, kubeconfig: string, pod: string): Promise<void> {
  const forward = execa(testplane, ['kubectl', '--kubeconfig', kubeconfig, '-n', 'smoke', 'port-forward', '--address', '127.0.0.1', `pod/${pod}`, ':8080'], { reject: false });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new KindNodeError('kubectl port-forward printed no port within 20 s')), 20_000);
      forward.stdout?.on('data', (chunk: Buffer) => {
        const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(chunk.toString());
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    if (!page.includes('hello from')) throw new KindNodeError(`port-forward answered without the page: ${page}`);
  } finally {
    forward.kill();
    await forward;
  }
}

async function waitFor(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new KindNodeError(`timed out after ${seconds}s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

/** Two web pods on different workers, clients on the first worker, a privileged hostPID shell per node, stand-ins. */
function workloads(cluster: string, build: KindNodeBuild): string {
  const onWorker = { nodeSelector: { 'kubernetes.io/hostname': `${cluster}-worker` } };
  const sleeper = (name: string, image: string, labels: Record<string, string>, extra: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'smoke', labels },
    spec: { ...onWorker, terminationGracePeriodSeconds: 1, containers: [{ name, image, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] }], ...extra },
  });
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'smoke', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'smoke' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } },
            containers: [
              {
                name: 'web',
                image: build.standIns.busybox,
                command: ['sh', '-c', 'mkdir -p /tmp/www && echo "hello from $(hostname)" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'],
                ports: [{ containerPort: 8080 }],
                readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 2 },
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'smoke' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    sleeper('client', build.standIns.busybox, { app: 'client' }),
    sleeper('other', build.standIns.busybox, { app: 'other' }),
    sleeper('python', build.standIns.python, { app: 'python' }),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'redis', namespace: 'smoke', labels: { app: 'redis' } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 1000 },
        containers: [{ name: 'redis', image: build.standIns.redis, args: ['redis-server', '--save', '', '--appendonly', 'no'], securityContext: { readOnlyRootFilesystem: true } }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-shell', namespace: 'smoke' },
      spec: {
        selector: { matchLabels: { app: 'node-shell' } },
        template: {
          metadata: { labels: { app: 'node-shell' } },
          spec: {
            hostPID: true,
            tolerations: [{ operator: 'Exists' }],
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'shell', image: build.standIns.busybox, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], securityContext: { privileged: true } }],
          },
        },
      },
    },
  ];
  return objects.map((object) => JSON.stringify(object)).join('\n---\n');
}

const denyAll = JSON.stringify({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace: 'smoke' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
});

const allowClient = JSON.stringify({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-client-to-web', namespace: 'smoke' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }] },
});
