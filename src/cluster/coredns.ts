import { LabError } from '../errors.js';
import { rolloutProblems } from '../engines/workloads/rollout.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../model/k8s.js';

/**
 * CoreDNS without an upstream, for test clusters whose DNS must never leave
 * the machine (`up --isolated-dns`). kubeadm's Corefile serves the root zone
 * `.:53` and sends every name it does not own to `forward . /etc/resolv.conf`,
 * the host's resolver. The isolated Corefile serves only the zones of its
 * `kubernetes` plugin: a name outside them matches no server block, which
 * CoreDNS answers with REFUSED; a reverse name outside the cluster's IPs gets
 * NXDOMAIN from the kubernetes plugin (its `fallthrough` is removed too).
 */

/** Plugins that send queries to another server. */
const upstreamPlugins = new Set(['forward', 'grpc', 'proxy']);
const isolatedMarker = '# k8s-sec-lab: isolated DNS, no upstream (k8s-sec-lab up --isolated-dns)';

interface Directive {
  /** The directive's line and, for a block, every line through its closing brace. */
  lines: string[];
  name: string;
  args: string[];
}

interface ServerBlock {
  keys: string[];
  /** The key line's indentation and the block's body, directive by directive. */
  indent: string;
  directives: Directive[];
  closing: string;
}

type Part = { text: string } | { block: ServerBlock };

const words = (line: string): string[] => line.replace(/#.*/, '').replace(/[{}]/g, ' ').trim().split(/\s+/).filter(Boolean);
const braceDelta = (line: string): number => {
  const code = line.replace(/#.*/, '');
  return (code.match(/\{/g)?.length ?? 0) - (code.match(/\}/g)?.length ?? 0);
};

/** Splits a Corefile into server blocks (each a list of directives) and the text between them. */
function parseCorefile(corefile: string): Part[] {
  const lines = corefile.split('\n');
  const parts: Part[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (braceDelta(line) <= 0 || !line.trimEnd().endsWith('{')) {
      parts.push({ text: line });
      continue;
    }
    const block: ServerBlock = { keys: words(line), indent: /^\s*/.exec(line)![0], directives: [], closing: '}' };
    for (index++; index < lines.length; index++) {
      const inner = lines[index]!;
      if (braceDelta(inner) < 0 && inner.trim() === '}') {
        block.closing = inner;
        break;
      }
      const directive: Directive = { lines: [inner], name: words(inner)[0] ?? '', args: words(inner).slice(1) };
      for (let depth = braceDelta(inner); depth > 0 && index + 1 < lines.length; ) {
        const nested = lines[++index]!;
        directive.lines.push(nested);
        depth += braceDelta(nested);
      }
      block.directives.push(directive);
    }
    parts.push({ block });
  }
  return parts;
}

function printCorefile(parts: Part[]): string {
  return parts
    .map((part) =>
      'text' in part ? part.text : [`${part.block.indent}${part.block.keys.join(' ')} {`, ...part.block.directives.flatMap((directive) => directive.lines), part.block.closing].join('\n'),
    )
    .join('\n');
}

const servesRoot = (key: string): boolean => /^(dns:\/\/)?\.(:\d+)?$/.test(key);

/** What in a Corefile sends queries outside the cluster: one line per upstream directive, and the root zone if served. */
export function corefileUpstreams(corefile: string): string[] {
  const upstreams: string[] = [];
  for (const part of parseCorefile(corefile)) {
    if (!('block' in part)) continue;
    for (const directive of part.block.directives) {
      if (upstreamPlugins.has(directive.name)) upstreams.push(`${part.block.keys.join(' ')}: ${[directive.name, ...directive.args].join(' ')}`);
    }
  }
  return upstreams;
}

/** Whether the Corefile has no upstream: every name it cannot answer itself fails inside the cluster. */
export function isCorefileIsolated(corefile: string): boolean {
  return corefileUpstreams(corefile).length === 0;
}

/**
 * The Corefile without an upstream. Every forward (or grpc) directive goes; a
 * block serving the root zone is narrowed to the zones of its kubernetes
 * plugin, whose fallthrough goes too. Pure and idempotent.
 */
export function isolateCorefile(corefile: string): string {
  const parts = parseCorefile(corefile);
  if (!parts.some((part) => 'block' in part)) throw new LabError(`CoreDNS's Corefile has no server block, so the lab cannot tell what it serves:\n${corefile}`);
  for (const part of parts) {
    if (!('block' in part)) continue;
    const { block } = part;
    block.directives = block.directives.filter((directive) => !upstreamPlugins.has(directive.name));
    const kubernetes = block.directives.find((directive) => directive.name === 'kubernetes');
    if (!block.keys.some(servesRoot)) continue;
    if (!kubernetes || kubernetes.args.length === 0) {
      throw new LabError(`CoreDNS's Corefile serves the root zone without a kubernetes plugin that names its zones (${block.keys.join(' ')}), so the lab cannot tell which names are the cluster's`);
    }
    const port = /:(\d+)$/.exec(block.keys.find(servesRoot)!)?.[1] ?? '53';
    block.keys = kubernetes.args.map((zone) => `${zone}:${port}`);
    kubernetes.lines = kubernetes.lines.filter((line, index) => index === 0 || words(line)[0] !== 'fallthrough');
  }
  const isolated = printCorefile(parts);
  return isolated.startsWith(isolatedMarker) ? isolated : `${isolatedMarker}\n${isolated}`;
}

const coreDnsConfigMap = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const coreDnsDeployment = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
const restartAnnotation = 'k8s-sec-lab/isolated-dns-at';

/** Whether the cluster's CoreDNS has an upstream; undefined when the cluster has no kube-system/coredns ConfigMap. */
export async function readClusterDnsIsolation(client: KubeClient): Promise<{ isolated: boolean; upstreams: string[] } | undefined> {
  const configMap = await client.get(coreDnsConfigMap, 'coredns', 'kube-system');
  const corefile = corefileOf(configMap);
  if (corefile === undefined) return undefined;
  const upstreams = corefileUpstreams(corefile);
  return { isolated: upstreams.length === 0, upstreams };
}

function corefileOf(configMap: KubeObject | undefined): string | undefined {
  const corefile = (configMap?.data as Record<string, unknown> | undefined)?.Corefile;
  return typeof corefile === 'string' ? corefile : undefined;
}

export interface IsolateDnsOptions {
  timeoutMs?: number;
  pollMs?: number;
  now?: () => Date;
}

/**
 * Rewrites kube-system/coredns's Corefile without an upstream and restarts
 * CoreDNS, waiting until the restarted pods are available (CoreDNS's reload
 * plugin would pick the change up by itself, but only after kubelet refreshes
 * the mount, up to a minute later). Says what it did.
 */
export async function isolateClusterDns(client: KubeClient, options: IsolateDnsOptions = {}): Promise<string> {
  const corefile = corefileOf(await client.get(coreDnsConfigMap, 'coredns', 'kube-system'));
  if (corefile === undefined) {
    throw new LabError('the cluster has no ConfigMap kube-system/coredns with a Corefile, so its DNS cannot be isolated', {
      fix: 'run `k8s-sec-lab up` without --isolated-dns (and without K8S_SEC_LAB_ISOLATED_DNS) on clusters whose DNS is not kubeadm\'s CoreDNS',
    });
  }
  if (isCorefileIsolated(corefile)) return 'CoreDNS already has no upstream';
  const upstreams = corefileUpstreams(corefile);
  await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: isolateCorefile(corefile) } });
  const restartedAt = (options.now ?? (() => new Date()))().toISOString();
  // A partial apply: the lab's field manager owns only this annotation, kubeadm keeps the rest.
  await client.apply({
    ...coreDnsDeployment,
    metadata: { name: 'coredns', namespace: 'kube-system' },
    spec: { template: { metadata: { annotations: { [restartAnnotation]: restartedAt } } } },
  });
  await waitForRollout(client, options);
  return `removed ${upstreams.join('; ')}; CoreDNS restarted and answers cluster names only`;
}

async function waitForRollout(client: KubeClient, options: IsolateDnsOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let problems = ['the Deployment kube-system/coredns does not exist'];
  while (Date.now() < deadline) {
    const deployment = await client.get(coreDnsDeployment, 'coredns', 'kube-system');
    problems = deployment ? rolloutProblems(deployment) : problems;
    if (deployment && problems.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
  }
  throw new LabError(`CoreDNS did not come back after its upstream was removed: ${problems.join('; ')}`, {
    fix: 'look at `kubectl -n kube-system get pods -l k8s-app=kube-dns` and `kubectl -n kube-system logs deploy/coredns`',
  });
}
