import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectionSet, PortRange, Protocol } from '../../../../src/engines/network-policy/index.js';
import { allConnections, mergeRanges } from '../../../../src/engines/network-policy/connection-set.js';
import { parseManifests } from '../../../../src/manifests/load.js';
import type { KubeObject, Pod, PodTemplateSpec } from '../../../../src/model/k8s.js';

// Reads the np-guard netpol-analyzer corpus in test/fixtures/netpol (see its SOURCE.md).

export const corpusDir = fileURLToPath(new URL('../../../fixtures/netpol/', import.meta.url));

/** A pod of a case, with the workload the analyzer reports it under, e.g. `default/frontend[Deployment]`. */
export interface CorpusPod {
  pod: Pod;
  workload: string;
}

export interface CorpusCase {
  name: string;
  namespaces: KubeObject[];
  pods: CorpusPod[];
  policies: KubeObject[];
  /** `SRC => DST` to the connections the analyzer allows; absent pairs allow nothing. */
  expected: Map<string, ConnectionSet>;
  /**
   * The external IPv4 ranges (`a.b.c.d-e.f.g.h`) the analyzer split the address
   * space into, per direction: it splits by the ipBlocks of that direction only.
   */
  externalRanges: { sources: string[]; destinations: string[] };
}

const external = '[External]';

export function caseNames(): string[] {
  const suffix = '_connlist_output.txt';
  return readdirSync(join(corpusDir, 'test_outputs/connlist'))
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();
}

export function loadCase(name: string): CorpusCase {
  const objects = caseObjects(name);
  const expected = new Map<string, ConnectionSet>();
  const sources = new Set<string>();
  const destinations = new Set<string>();
  const output = readFileSync(join(corpusDir, `test_outputs/connlist/${name}_connlist_output.txt`), 'utf8');
  for (const line of output.split('\n').filter((text) => text.trim() !== '')) {
    const match = /^(\S+) => (\S+) : (.+)$/.exec(line.trim());
    if (!match) throw new Error(`${name}: unexpected connlist line ${JSON.stringify(line)}`);
    const [, source, destination, connections] = match as unknown as [string, string, string, string];
    expected.set(`${source} => ${destination}`, parseConnections(connections));
    if (source.endsWith(external)) sources.add(source.slice(0, -external.length));
    if (destination.endsWith(external)) destinations.add(destination.slice(0, -external.length));
  }
  return {
    name,
    namespaces: objects.filter((object) => object.kind === 'Namespace'),
    pods: [
      ...objects.filter((object) => object.kind === 'Pod').map((pod) => ({ pod: pod as Pod, workload: podWorkload(pod as Pod) })),
      ...objects.flatMap(workloadPods),
    ],
    policies: objects.filter((object) => object.kind === 'NetworkPolicy'),
    expected,
    externalRanges: { sources: [...sources], destinations: [...destinations] },
  };
}

/** `All Connections`, or `TCP 10053-10054,UDP 10053` (a protocol name starts each group). */
export function parseConnections(text: string): ConnectionSet {
  if (text === 'All Connections') return allConnections;
  const ranges: Record<Protocol, PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
  let protocol: Protocol | undefined;
  for (const token of text.split(',').map((part) => part.trim())) {
    const [first, second] = token.split(/\s+/) as [string, string | undefined];
    if (second !== undefined) protocol = first as Protocol;
    const [from, to = from] = (second ?? first).split('-').map(Number) as [number, number?];
    if (!protocol || !(protocol in ranges)) throw new Error(`cannot parse connections ${JSON.stringify(text)}`);
    ranges[protocol].push([from, to]);
  }
  return { TCP: mergeRanges(ranges.TCP), UDP: mergeRanges(ranges.UDP), SCTP: mergeRanges(ranges.SCTP) };
}

/** First and last address of `a.b.c.d-e.f.g.h`: the boundaries where a verdict could change. */
export function rangeSamples(range: string): string[] {
  const [first, last] = range.split('-') as [string, string];
  return [first, last];
}

function caseObjects(name: string): KubeObject[] {
  const dir = join(corpusDir, 'tests', name);
  return readdirSync(dir)
    // Skip the analyzer's own outputs kept next to some inputs.
    .filter((file) => ['.yaml', '.yml', '.json'].includes(extname(file)) && !file.startsWith('connlist_output'))
    .sort()
    .flatMap((file) => parseManifests(readFileSync(join(dir, file), 'utf8'), file).map((loaded) => loaded.object));
}

/** The analyzer groups a pod under its controller (not a Node: static pods stand alone). */
function podWorkload(pod: Pod): string {
  const namespace = pod.metadata?.namespace ?? 'default';
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller && reference.kind !== 'Node');
  return owner ? `${namespace}/${owner.name}[${owner.kind}]` : `${namespace}/${pod.metadata?.name}[Pod]`;
}

const workloadKinds = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Job', 'CronJob']);

/** Pods synthesized from a workload's template as the analyzer does: two when it has replicas, else one. */
function workloadPods(object: KubeObject): CorpusPod[] {
  if (!object.kind || !workloadKinds.has(object.kind)) return [];
  const spec = (object.spec ?? {}) as { replicas?: number; template?: PodTemplateSpec; jobTemplate?: { spec?: { template?: PodTemplateSpec } } };
  const template = object.kind === 'CronJob' ? spec.jobTemplate?.spec?.template : spec.template;
  const namespace = object.metadata?.namespace ?? 'default';
  const name = object.metadata?.name ?? '<unnamed>';
  const count = (spec.replicas ?? 1) > 1 ? 2 : 1;
  return Array.from({ length: count }, (_, index) => ({
    workload: `${namespace}/${name}[${object.kind}]`,
    pod: {
      kind: 'Pod',
      metadata: { name: `${name}-${index + 1}`, namespace, labels: template?.metadata?.labels ?? {} },
      spec: template?.spec ?? {},
    },
  }));
}
