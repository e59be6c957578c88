import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../model/k8s.js';
import { managedByLabel, managedByValue, scenarioLabel, systemNamespace } from '../names.js';
import { rolloutProblems } from '../engines/workloads/rollout.js';
import { flagSecretName } from './flags.js';
import { rewriteImages, type ImageMap } from '../manifests/image-map.js';

/**
 * Node-file flags (plantedBy: node-file): a root-only file on every node's own
 * filesystem, in a directory no pod mounts, so only an escape to the node
 * (nsenter into PID 1, a hostPath mount of /) reaches it. The lab plants it from
 * inside the cluster, which works on kind and on an adopted cluster alike: a
 * one-shot DaemonSet in the lab's namespace writes the files and is deleted once
 * every node has them.
 */
export const nodeFlagsDir = '/var/lib/k8s-sec-lab/flags';

/** Where a node-file flag lives on every node. */
export function nodeFlagPath(scenarioId: string, flagId: string): string {
  return `${nodeFlagsDir}/${scenarioId}/${flagId}`;
}

export function planterName(scenarioId: string): string {
  return `flag-planter-${scenarioId}`;
}

/** The digest of a planter's files (each value and a newline, in flag order): it names a run without revealing it. */
export function plantedDigest(values: readonly string[]): string {
  return `sha256:${createHash('sha256').update(values.map((value) => `${value}\n`).join('')).digest('hex')}`;
}

/** What a planter pod reports once it wrote and read back every file: their digest, then each file's mode and owner. */
export function plantedReport(values: readonly string[]): string {
  return `planted ${plantedDigest(values)} files:${values.map(() => '400 0:0').join(',')}`;
}

// The image every lab workload already uses (pinned by its multi-arch index digest; see labs/addons/imds/README.md).
const planterImage = 'python:3.13-alpine@sha256:79e7a9b9ff1cbceff819f856fb374477792a5967759d94df266de7b7b4120e6f';
const hostMount = '/lab-flags';

/**
 * The planter DaemonSet for `flagIds`. The values reach it only by secretKeyRef
 * from the run's flags Secret, never in the spec. Each file is written beside
 * its target and renamed over it (a reset replaces the old value at once),
 * owned by root with mode 0400 in a 0700 directory; the init container reads
 * the files back and reports their digest as its termination message, which
 * only a kubelet that really ran it can produce. The template carries the same
 * digest, so new values always roll out new pods. It runs as root with a
 * hostPath volume: k8s-sec-lab-system enforces Pod Security "privileged"
 * (markCluster labels it so for the lab's add-ons).
 */
export function nodeFlagPlanter(scenarioId: string, flags: readonly { id: string; value: string }[]): KubeObject {
  const dir = `${hostMount}/${scenarioId}`;
  const script = [
    'set -eu',
    'umask 077',
    `mkdir -p ${dir}`,
    `chown 0:0 ${dir}`,
    `chmod 0700 ${dir}`,
    ...flags.flatMap(({ id }, index) => [
      `printf '%s\\n' "$FLAG_${index}" > ${dir}/.${id}.new`,
      `chown 0:0 ${dir}/.${id}.new`,
      `chmod 0400 ${dir}/.${id}.new`,
      `mv -f ${dir}/.${id}.new ${dir}/${id}`,
    ]),
    // Read back from the node's disk: the content's digest, then each file's mode and owner.
    `printf 'planted sha256:%s files:%s' "$(cat ${flags.map(({ id }) => `${dir}/${id}`).join(' ')} | sha256sum | cut -d' ' -f1)" "$(stat -c '%a %u:%g' ${flags.map(({ id }) => `${dir}/${id}`).join(' ')} | paste -sd, -)" > /dev/termination-log`,
  ].join('\n');
  const labels = { [managedByLabel]: managedByValue, [scenarioLabel]: scenarioId, 'app.kubernetes.io/name': planterName(scenarioId) };
  const secretName = flagSecretName(scenarioId);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: planterName(scenarioId), namespace: systemNamespace, labels },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': planterName(scenarioId) } },
      template: {
        metadata: { labels, annotations: { 'k8s-sec-lab.io/planted': plantedDigest(flags.map(({ value }) => value)) } },
        spec: {
          // Every node, the control plane included: the escape may start from any of them.
          tolerations: [{ operator: 'Exists' }],
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 0,
          initContainers: [
            {
              name: 'plant',
              image: planterImage,
              command: ['sh', '-c', script],
              env: flags.map(({ id }, index) => ({ name: `FLAG_${index}`, valueFrom: { secretKeyRef: { name: secretName, key: id } } })),
              securityContext: { runAsUser: 0, runAsGroup: 0, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER', 'DAC_OVERRIDE'] } },
              resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
              volumeMounts: [{ name: 'flags', mountPath: hostMount }],
            },
          ],
          containers: [
            {
              // Holds the pod (and so the DaemonSet's rollout) until the lab deletes it.
              name: 'done',
              image: planterImage,
              command: ['sleep', '2147483647'],
              securityContext: { runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '1m', memory: '4Mi' }, limits: { cpu: '10m', memory: '16Mi' } },
            },
          ],
          volumes: [{ name: 'flags', hostPath: { path: nodeFlagsDir, type: 'DirectoryOrCreate' } }],
        },
      },
    },
  };
}

/** How planting went on this cluster: proven on every node, or not observable (no kubelet ran the planter). */
export type NodePlanting = { state: 'planted'; nodes: number } | { state: 'unproven'; reason: string };

interface PlanterPod extends KubeObject {
  spec?: { nodeName?: string };
  status?: { initContainerStatuses?: { name: string; state?: { terminated?: { exitCode?: number; message?: string } } }[] };
}

/**
 * Plants the scenario's node-file flags (its flags Secret already holds the
 * values): applies the planter, waits until its pods ran on every node, reads
 * each pod's report, then deletes the planter. A report with another digest or
 * a failed write is an error; a pod that reports nothing at all (the test
 * control plane's fake nodes) leaves the flag `unproven`, never `planted`.
 */
export async function plantNodeFlags(
  client: KubeClient,
  scenarioId: string,
  flags: readonly { id: string; value: string }[],
  log: (line: string) => void,
  images: ImageMap,
  timeoutMs = 180_000,
): Promise<NodePlanting> {
  const planter = rewriteImages(nodeFlagPlanter(scenarioId, flags), images);
  const expected = plantedReport(flags.map(({ value }) => value));
  const daemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
  await client.apply(planter);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await client.get(daemonSet, planterName(scenarioId), systemNamespace);
      if (current && rolloutProblems(current).length === 0) break;
      if (Date.now() > deadline) {
        throw new LabError(`the flag planter did not run on every node within ${timeoutMs / 1000}s`, {
          fix: `look at its pods: kubectl -n ${systemNamespace} get pods -l app.kubernetes.io/name=${planterName(scenarioId)} -o wide`,
        });
      }
      await sleep(500);
    }
    const pods = await client.list<PlanterPod>({ apiVersion: 'v1', kind: 'Pod' }, { namespace: systemNamespace, labelSelector: `app.kubernetes.io/name=${planterName(scenarioId)}` });
    const nodes = new Set<string>();
    for (const pod of pods.filter((candidate) => !candidate.metadata?.deletionTimestamp)) {
      const terminated = pod.status?.initContainerStatuses?.find((status) => status.name === 'plant')?.state?.terminated;
      if (!terminated?.message) return { state: 'unproven', reason: `pod ${pod.metadata?.name} on node ${pod.spec?.nodeName ?? '?'} ran but reported nothing (no kubelet ran it)` };
      if (terminated.exitCode !== 0 || terminated.message.trim() !== expected) {
        throw new LabError(`the flag planter failed on node ${pod.spec?.nodeName ?? '?'}: ${terminated.message.trim()}`, { fix: `k8s-sec-lab reset ${scenarioId} plants again` });
      }
      if (pod.spec?.nodeName) nodes.add(pod.spec.nodeName);
    }
    if (nodes.size === 0) return { state: 'unproven', reason: 'no node ran the planter' };
    log(`planted ${flags.length === 1 ? 'the flag' : `${flags.length} flags`} on ${nodes.size} ${nodes.size === 1 ? 'node' : 'nodes'}`);
    return { state: 'planted', nodes: nodes.size };
  } finally {
    await client.delete(daemonSet, planterName(scenarioId), systemNamespace);
  }
}
