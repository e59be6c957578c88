import { cgroupV1Note, cgroupV2Fix } from '../cgroup.js';
import { installEngineFix } from '../kind/errors.js';
import { kindInstallHint } from '../kind/install-hint.js';
import { minimumKindVersion, pinnedKindVersion } from '../kind/release.js';
import { labClusterName, labContextName } from '../../names.js';
import type { DoctorFacts } from './facts.js';

export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of the doctor's report. Every `warn` and `fail` carries the command that fixes it. */
export interface DoctorItem {
  id: DoctorItemId;
  title: string;
  status: DoctorStatus;
  detail: string;
  fix?: string;
}

export type DoctorItemId =
  | 'container-engine'
  | 'kind'
  | 'kubectl'
  | 'cpu-architecture'
  | 'memory'
  | 'disk'
  | 'inotify'
  | 'cgroup'
  | 'lab-cluster'
  | 'node-image'
  | 'network-policy'
  | 'cluster-dns'
  | 'kubeconfig-context';

const GiB = 1024 ** 3;
/** kind's documented remedy for "too many open files" in multi-node clusters. */
const recommendedInotify = { maxUserWatches: 524_288, maxUserInstances: 512 };

/** Every check, in report order. Pure: the same facts always give the same items. */
export function doctorItems(facts: DoctorFacts): DoctorItem[] {
  return [
    containerEngineItem(facts),
    kindItem(facts),
    kubectlItem(facts),
    cpuArchitectureItem(facts),
    memoryItem(facts),
    diskItem(facts),
    inotifyItem(facts),
    cgroupItem(facts),
    labClusterItem(facts),
    nodeImageItem(facts),
    networkPolicyItem(facts),
    clusterDnsItem(facts),
    kubeconfigContextItem(facts),
  ];
}

export function containerEngineItem({ engine, platform }: DoctorFacts): DoctorItem {
  const title = engine.name === 'docker' ? 'Docker' : 'Podman';
  const item = { id: 'container-engine' as const, title };
  if (engine.status.state === 'missing') return { ...item, status: 'fail', detail: `${engine.name} is not installed (not on PATH)`, fix: installEngineFix(engine.name, platform) };
  if (engine.status.state === 'unreachable') return { ...item, status: 'fail', detail: engine.status.problem.message, fix: engine.status.problem.fix };
  return { ...item, status: 'ok', detail: `${engine.name} ${engine.status.version} is running` };
}

export function kindItem({ kind, platform, arch }: DoctorFacts): DoctorItem {
  const item = { id: 'kind' as const, title: 'kind' };
  // `up` downloads the pinned kind itself (after asking), so a missing kind only needs a nudge.
  const fix = `\`k8s-sec-lab up\` downloads kind ${pinnedKindVersion} into the lab's cache (after asking), or install it: ${kindInstallHint(platform, arch, {})}`;
  if (kind.status === 'missing') return { ...item, status: 'warn', detail: 'kind is not installed (not on PATH)', fix };
  if (kind.status === 'too-old') {
    return { ...item, status: 'warn', detail: `${kind.kind.path} is ${kind.kind.version ?? 'of unknown version'}; the lab needs ${minimumKindVersion} or newer`, fix };
  }
  const where = kind.kind.source === 'cache' ? `the lab's download, ${kind.kind.path}` : kind.kind.path;
  return { ...item, status: 'ok', detail: `kind ${kind.kind.version ?? '(unknown version)'} (${where})` };
}

export function kubectlItem({ kubectl, platform }: DoctorFacts): DoctorItem {
  const item = { id: 'kubectl' as const, title: 'kubectl' };
  if (!kubectl) return { ...item, status: 'fail', detail: 'kubectl is not installed: the scenarios are solved with it', fix: installKubectlFix(platform) };
  return { ...item, status: 'ok', detail: `kubectl ${kubectl.version ?? '(unknown version)'} (${kubectl.path})` };
}

export function cpuArchitectureItem({ arch }: DoctorFacts): DoctorItem {
  const item = { id: 'cpu-architecture' as const, title: 'CPU architecture' };
  if (arch === 'x64' || arch === 'arm64') return { ...item, status: 'ok', detail: arch === 'x64' ? 'amd64' : 'arm64' };
  return { ...item, status: 'fail', detail: `${arch}: kind node images exist for amd64 and arm64 only`, fix: 'run the lab on an amd64 or arm64 machine' };
}

export function memoryItem({ memory, engine }: DoctorFacts): DoctorItem {
  const item = { id: 'memory' as const, title: 'memory' };
  const engineMemory = engine.status.state === 'running' ? engine.status.memoryBytes : undefined;
  const detail = `${gib(memory.freeBytes)} free of ${gib(memory.totalBytes)}${engineMemory ? `; ${engine.name} may use ${gib(engineMemory)}` : ''}`;
  if (engineMemory !== undefined && engineMemory < 4 * GiB) {
    return { ...item, status: 'warn', detail, fix: `give ${engine.name} at least 4 GiB (Docker Desktop: Settings → Resources → Memory; Podman: \`podman machine set --memory 4096\`)` };
  }
  if (memory.freeBytes < 2 * GiB) return { ...item, status: 'warn', detail, fix: 'close memory-hungry programs: three kind nodes need about 2 GiB' };
  return { ...item, status: 'ok', detail };
}

export function diskItem({ disk, engine }: DoctorFacts): DoctorItem {
  const item = { id: 'disk' as const, title: 'disk space' };
  if (disk.freeBytes === undefined) return { ...item, status: 'skip', detail: `could not read the free space of ${disk.path}` };
  const detail = `${gib(disk.freeBytes)} free at ${disk.path}`;
  const fix = `free some space, e.g. remove unused images with \`${engine.name} image prune\``;
  if (disk.freeBytes < 4 * GiB) return { ...item, status: 'fail', detail: `${detail}: the node image and workloads need about 4 GiB`, fix };
  if (disk.freeBytes < 10 * GiB) return { ...item, status: 'warn', detail: `${detail}: tight for image pulls`, fix };
  return { ...item, status: 'ok', detail };
}

export function inotifyItem({ inotify, platform }: DoctorFacts): DoctorItem {
  const item = { id: 'inotify' as const, title: 'inotify limits' };
  if (!inotify) return { ...item, status: 'skip', detail: `not a Linux host (${platform}): the container engine's VM sets its own limits` };
  const { maxUserWatches: watches, maxUserInstances: instances } = inotify;
  const detail = `fs.inotify.max_user_watches=${watches ?? '?'}, fs.inotify.max_user_instances=${instances ?? '?'}`;
  const low = (watches ?? 0) < recommendedInotify.maxUserWatches || (instances ?? 0) < recommendedInotify.maxUserInstances;
  if (!low) return { ...item, status: 'ok', detail };
  const values = `fs.inotify.max_user_watches=${recommendedInotify.maxUserWatches} fs.inotify.max_user_instances=${recommendedInotify.maxUserInstances}`;
  return {
    ...item,
    status: 'warn',
    detail: `${detail}: below kind's recommendation, pods may fail with "too many open files"`,
    fix: `\`sudo sysctl -w ${values}\` (to keep it after a reboot: \`printf '%s\\n' ${values} | sudo tee /etc/sysctl.d/99-kind.conf\`)`,
  };
}

export function cgroupItem({ cgroup, platform }: DoctorFacts): DoctorItem {
  const item = { id: 'cgroup' as const, title: 'cgroup version' };
  if (!cgroup) return { ...item, status: 'skip', detail: `not a Linux host (${platform}): the container engine's VM brings its own kernel` };
  if (cgroup.version === undefined) return { ...item, status: 'skip', detail: 'no cgroup hierarchy is mounted at /sys/fs/cgroup' };
  if (cgroup.version === 2) return { ...item, status: 'ok', detail: 'cgroup v2' };
  return { ...item, status: 'warn', detail: `cgroup v1: ${cgroupV1Note}`, fix: cgroupV2Fix };
}

export function labClusterItem({ cluster }: DoctorFacts): DoctorItem {
  const item = { id: 'lab-cluster' as const, title: 'lab cluster' };
  switch (cluster.state) {
    case 'unknown':
      return { ...item, status: 'skip', detail: `cannot look for kind cluster ${labClusterName}: ${cluster.reason}` };
    case 'absent':
      return { ...item, status: 'warn', detail: `kind cluster ${labClusterName} does not exist yet`, fix: '`k8s-sec-lab up`' };
    case 'unhealthy':
      return { ...item, status: 'fail', detail: `kind cluster ${labClusterName} is not healthy: ${cluster.detail}`, fix: '`k8s-sec-lab down --yes && k8s-sec-lab up`' };
    case 'healthy':
      if (!cluster.marker) return { ...item, status: 'warn', detail: `kind cluster ${labClusterName} is up (${cluster.detail}) but not marked as the lab's`, fix: '`k8s-sec-lab up` (it reuses the cluster)' };
      return { ...item, status: 'ok', detail: `kind cluster ${labClusterName} is up (${cluster.detail}), marked by \`${cluster.marker.markedBy}\`` };
  }
}

export function nodeImageItem({ nodeImage: { chosen, running } }: DoctorFacts): DoctorItem {
  const item = { id: 'node-image' as const, title: 'node image' };
  if (!chosen) return { ...item, status: running ? 'ok' : 'skip', detail: running ? `the lab cluster runs ${running}` : "kind's default (neither the kind config nor $K8S_SEC_LAB_NODE_IMAGE names one)" };
  const planned = `\`up\` creates nodes from ${chosen.image} (${chosen.source})`;
  if (!running || running === chosen.image) return { ...item, status: 'ok', detail: running ? `${planned}, which the lab cluster runs` : planned };
  return { ...item, status: 'warn', detail: `the lab cluster runs ${running}, but ${planned}`, fix: '`k8s-sec-lab down --yes && k8s-sec-lab up` to recreate it from that image (or unset what chose it)' };
}

export function networkPolicyItem({ cluster }: DoctorFacts): DoctorItem {
  const item = { id: 'network-policy' as const, title: 'NetworkPolicy enforcement' };
  if (cluster.state !== 'healthy' || !cluster.marker) return { ...item, status: 'skip', detail: 'known once `k8s-sec-lab up` has probed the lab cluster' };
  switch (cluster.marker.networkPolicyEnforced) {
    case 'true':
      return { ...item, status: 'ok', detail: 'enforced: a deny policy blocked a real connection' };
    case 'false':
      return {
        ...item,
        status: 'warn',
        detail: 'NOT enforced: a deny policy did not block traffic, so the NetworkPolicy scenarios cannot replay their attacks (kindnet does not enforce on WSL2)',
        fix: 'run the lab on a Linux or macOS Docker host, then `k8s-sec-lab down --yes && k8s-sec-lab up`',
      };
    default:
      return { ...item, status: 'warn', detail: 'unknown: the probe could not run', fix: '`k8s-sec-lab up` probes again' };
  }
}

/** Whether CoreDNS sends names it does not own out of the cluster. Either is fine for learners; test clusters want isolated. */
export function clusterDnsItem({ cluster }: DoctorFacts): DoctorItem {
  const item = { id: 'cluster-dns' as const, title: 'cluster DNS' };
  if (cluster.state !== 'healthy') return { ...item, status: 'skip', detail: 'checked once the lab cluster is up' };
  const { dns } = cluster;
  if (dns === undefined) return { ...item, status: 'skip', detail: 'the cluster has no ConfigMap kube-system/coredns: not kubeadm\'s CoreDNS' };
  if ('unreadable' in dns) return { ...item, status: 'warn', detail: `could not read CoreDNS's Corefile: ${dns.unreadable}`, fix: '`kubectl -n kube-system get configmap coredns -o yaml`' };
  if (dns.isolated) return { ...item, status: 'ok', detail: 'isolated: CoreDNS answers cluster names only, no query leaves the machine' };
  return { ...item, status: 'ok', detail: `not isolated: CoreDNS forwards other names (${dns.upstreams.join('; ')}); \`k8s-sec-lab up --isolated-dns\` cuts its upstream` };
}

export function kubeconfigContextItem({ kubeconfig, cluster }: DoctorFacts): DoctorItem {
  const item = { id: 'kubeconfig-context' as const, title: 'kubeconfig context' };
  const files = kubeconfig.files.join(', ');
  if (cluster.state !== 'healthy') return { ...item, status: 'skip', detail: `checked once the lab cluster is up (kubeconfig: ${files})` };
  if (!kubeconfig.contexts.includes(labContextName)) {
    return { ...item, status: 'warn', detail: `${files} has no context ${labContextName}, so kubectl cannot reach the lab cluster`, fix: `\`kind export kubeconfig --name ${labClusterName}\`` };
  }
  if (kubeconfig.currentContext !== labContextName) {
    return {
      ...item,
      status: 'warn',
      detail: `kubectl's current context is ${kubeconfig.currentContext ?? '(none)'}, not the lab cluster: commands from the scenarios would go elsewhere`,
      fix: `\`kubectl config use-context ${labContextName}\``,
    };
  }
  return { ...item, status: 'ok', detail: `kubectl uses ${labContextName}` };
}

function installKubectlFix(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return '`brew install kubectl`';
  if (platform === 'win32') return '`winget install Kubernetes.kubectl`';
  return '`sudo snap install kubectl --classic`, or see https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/';
}

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}
