import { z } from 'zod';
import {
  buildNetworkModel,
  cidrStrictlyInside,
  compileLabelSelector,
  connectionsOf,
  describeConnections,
  endpointName,
  explainFlow,
  externalEndpoint,
  formatIssue,
  judgeAllowlist,
  parseCidr,
  parseIp,
  podEndpoint,
  sideMatches,
  type EndpointPort,
  type Flow,
  type FlowRule,
  type FlowSide,
  type MatrixEndpoint,
  type PodEndpoint,
} from '../../engines/network-policy/index.js';
import type { NetworkPolicy, Pod } from '../../model/k8s.js';
import { kinds } from '../cluster-view.js';
import type { GradingContext } from '../context.js';
import { dnsLabel, hypotheticalPodSchema, labelSelectorSchema, protocolSchema, type LabelSelectorSpec } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector } from '../select.js';
import { error, fail, pass, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

const portNumber = z.number().int().min(1).max(65535);

/** `anywhere`, pods of a namespace (of every namespace without one), or outside addresses. */
const flowSideSchema = z.union([
  z.literal('anywhere'),
  z.object({ pods: z.object({ namespace: dnsLabel.optional(), selector: labelSelectorSchema.default({}) }).strict() }).strict(),
  z.object({ ipBlock: z.object({ cidr: z.string().min(1), except: z.array(z.string().min(1)).default([]) }).strict() }).strict(),
]);

const flowSchema = z
  .object({
    from: flowSideSchema,
    to: flowSideSchema,
    /** Pod ports (what NetworkPolicy sees), by number: `{port, endPort?, protocol}`, protocol TCP by default. */
    ports: z
      .array(
        z
          .object({ port: portNumber, endPort: portNumber.optional(), protocol: protocolSchema.default('TCP') })
          .strict()
          .refine((entry) => entry.endPort === undefined || entry.endPort >= entry.port, { message: 'endPort must be >= port', path: ['endPort'] }),
      )
      .min(1),
  })
  .strict();

const coreDns = {
  namespace: 'kube-system',
  name: 'coredns',
  labels: { 'k8s-app': 'kube-dns' },
  ports: [
    { name: 'dns', port: 53, protocol: 'UDP' as const },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
    { name: 'metrics', port: 9153, protocol: 'TCP' as const },
  ],
};
/** An internet address, the instance metadata service, a private-network address (a node, a VPC service). */
const representativeOutside = ['203.0.113.10', '169.254.169.254', '10.0.0.10'];
/** A namespace nobody created, standing for every other namespace of the cluster. */
const anotherNamespace = 'another-namespace';
/** New pods, in every namespace of the matrix: one a "default deny" on some label misses, one with a label no policy names. */
const newPodLabels: { name: string; labels: Record<string, string> }[] = [
  { name: 'new-pod-no-labels', labels: {} },
  { name: 'new-pod-app-new-service', labels: { app: 'new-service' } },
];

const fields = {
  /** The pods whose connections are judged: live ones and new ones, with any labels. */
  pods: z.array(z.object({ namespace: dnsLabel, selector: labelSelectorSchema.default({}) }).strict()).min(1),
  /** Judge the connections they accept (ingress), open (egress), or both. */
  direction: z.enum(['both', 'ingress', 'egress']).default('both'),
  /** The other side of their connections, besides the pods of their own namespaces. */
  peers: z
    .object({
      /** Namespaces whose live pods (and new pods) are peers, e.g. the attacker's. */
      namespaces: z.array(dnsLabel).default([]),
      /** Pods that need not exist; CoreDNS by default. */
      pods: z.array(hypotheticalPodSchema).default([coreDns]),
      /** Addresses outside the cluster. */
      outside: z.array(z.string().min(1)).min(1).default(representativeOutside),
    })
    .strict()
    .prefault({}),
  /** Connections that may exist. */
  allowed: z.array(flowSchema).default([]),
  /** Connections that must exist (they may, too): judged on live and declared pods and the outside addresses. */
  required: z.array(flowSchema).default([]),
};
type AllowlistSpec = KindSpec<typeof fields>;
type FlowSpec = z.infer<typeof flowSchema>;
type FlowSideSpec = z.infer<typeof flowSideSchema>;

/**
 * "Only what is needed, and nothing else" over the whole reachability matrix:
 * every connection that the live policies allow into or out of the judged
 * pods, on every protocol and port, must be in the allowlist, and every
 * required one must be allowed. The matrix holds every live pod, new pods
 * with no labels and with other labels in each namespace (a default deny
 * that selects only labelled pods is caught), pods of another namespace,
 * declared pods such as CoreDNS, and outside addresses.
 */
export const networkAllowlist = defineKind({
  fields,
  refine: checkReferences,
  run: judgeMatrix,
  watch: (spec) => [
    target(watched.namespace),
    ...liveNamespaces(spec).flatMap((namespace) => [target(watched.pod, namespace), target(watched.networkPolicy, namespace)]),
    ...spec.peers.pods.map((peer) => target(watched.networkPolicy, peer.namespace)),
  ],
});

/** Namespaces whose live pods are in the matrix: the judged pods' and the peers'. */
function liveNamespaces(spec: Pick<AllowlistSpec, 'pods' | 'peers'>): string[] {
  return [...new Set([...spec.pods.map((selection) => selection.namespace), ...spec.peers.namespaces])];
}

function checkReferences(spec: z.output<z.ZodObject<typeof fields>>, ctx: z.RefinementCtx): void {
  const known = new Set([...liveNamespaces(spec), ...spec.peers.pods.map((peer) => peer.namespace)]);
  spec.peers.outside.forEach((ip, index) => {
    if (!parseIp(ip)) ctx.addIssue({ code: 'custom', path: ['peers', 'outside', index], message: `${JSON.stringify(ip)} is not an IPv4 or IPv6 address` });
  });
  for (const list of ['allowed', 'required'] as const) {
    spec[list].forEach((flow, index) => {
      for (const end of ['from', 'to'] as const) {
        const side = flow[end];
        const path = [list, index, end];
        if (side === 'anywhere') continue;
        if ('pods' in side) {
          const namespace = side.pods.namespace;
          if (namespace !== undefined && !known.has(namespace)) {
            ctx.addIssue({ code: 'custom', path: [...path, 'pods', 'namespace'], message: `the check looks at no pod in "${namespace}": add it to pods, peers.namespaces or peers.pods` });
          }
          continue;
        }
        const cidr = parseCidr(side.ipBlock.cidr);
        if (!cidr) {
          ctx.addIssue({ code: 'custom', path: [...path, 'ipBlock', 'cidr'], message: `${JSON.stringify(side.ipBlock.cidr)} is not a CIDR such as 0.0.0.0/0` });
          continue;
        }
        side.ipBlock.except.forEach((text, position) => {
          const excluded = parseCidr(text);
          if (!excluded || !cidrStrictlyInside(excluded, cidr)) {
            ctx.addIssue({ code: 'custom', path: [...path, 'ipBlock', 'except', position], message: `${JSON.stringify(text)} is not a CIDR inside ${side.ipBlock.cidr}` });
          }
        });
        const compiled = compileSide(side)!;
        if (!spec.peers.outside.some((ip) => sideMatches(compiled, externalEndpoint(ip)))) {
          ctx.addIssue({ code: 'custom', path: [...path, 'ipBlock', 'cidr'], message: `no address of peers.outside is in ${side.ipBlock.cidr}: add one, or this flow never matches` });
        }
      }
    });
  }
}

async function judgeMatrix(spec: AllowlistSpec, ctx: GradingContext): Promise<Verdict> {
  const namespaces = liveNamespaces(spec);
  for (const namespace of namespaces) {
    const missing = await missingNamespace(ctx.view, ctx.scenario, namespace);
    if (missing) return missing;
  }
  const policyNamespaces = [...new Set([...namespaces, ...spec.peers.pods.map((peer) => peer.namespace)])];
  const [allNamespaces, policies, livePods] = await Promise.all([
    ctx.view.list(kinds.namespace),
    Promise.all(policyNamespaces.map((namespace) => ctx.view.list<NetworkPolicy>(kinds.networkPolicy, namespace))).then((lists) => lists.flat()),
    Promise.all(namespaces.map((namespace) => ctx.view.list<Pod>(kinds.pod, namespace))).then((lists) =>
      lists.flat().filter((pod) => !pod.metadata?.deletionTimestamp).map(podEndpoint),
    ),
  ]);

  const scope = spec.pods.map((selection) => ({ ...selection, matches: compileLabelSelector(selection.selector, 'selector', () => undefined) }));
  const inScope = (pod: PodEndpoint) => scope.some((selection) => selection.namespace === pod.namespace && selection.matches(pod.labels));
  for (const selection of scope) {
    if (!livePods.some((pod) => pod.namespace === selection.namespace && selection.matches(pod.labels))) {
      const what = describePods(selection.namespace, selection.selector);
      return fail(`no live pod: nothing matches ${what} (deleting or scaling the workload to zero is not a fix)`, { object: what, observed: 'no pods', expected: 'the workload still runs' });
    }
  }

  const judged = (endpoint: PodEndpoint) => {
    const selected = inScope(endpoint);
    return { ingress: selected && spec.direction !== 'egress', egress: selected && spec.direction !== 'ingress' };
  };
  const pod = (endpoint: PodEndpoint, known: boolean): MatrixEndpoint => ({ endpoint, judged: judged(endpoint), known });
  const declared = spec.peers.pods.map(({ namespace, name, labels, ports }): PodEndpoint => ({ kind: 'pod', namespace, name, labels, ports }));
  const newPods = [...new Set([...policyNamespaces, anotherNamespace])].flatMap((namespace) => {
    const ports = portsOf(livePods.filter((live) => live.namespace === namespace));
    return newPodLabels.map(({ name, labels }): PodEndpoint => ({ kind: 'pod', namespace, name, labels, ports }));
  });
  // Judged live pods first, so the first flow a message names is one of today's pods.
  const endpoints: MatrixEndpoint[] = [
    ...livePods.filter(inScope).map((live) => pod(live, true)),
    ...livePods.filter((live) => !inScope(live)).map((live) => pod(live, true)),
    ...declared.map((peer) => pod(peer, true)),
    ...newPods.map((newPod) => pod(newPod, false)),
    ...spec.peers.outside.map((ip) => ({ endpoint: externalEndpoint(ip), judged: { ingress: false, egress: false }, known: true })),
  ];

  const model = buildNetworkModel({ namespaces: allNamespaces, pods: [], policies });
  const outcome = judgeAllowlist(model, { endpoints, allowed: spec.allowed.map(compileFlow), required: spec.required.map(compileFlow) }, { maxFlows: 1 });
  if (!outcome.ok) return error(`cannot judge the connections ${describeScope(spec)}: ${outcome.issues.map(formatIssue).join('; ')}`);
  const verdict = outcome.value;

  const [excess] = verdict.excess;
  if (excess) {
    const others = verdict.excessCount - 1;
    const more = others > 0 ? ` (nor ${others} other flow${others === 1 ? '' : 's'} that the policies allow)` : '';
    return fail(`${describeFlow(excess)} is allowed, but the allowlist does not list it${more}. ${explainFlow(model, excess)}`, {
      object: `${endpointName(excess.from)} -> ${endpointName(excess.to)}`,
      observed: `allowed: ${describeConnections(excess.connections)}`,
      expected: 'denied: not in the allowlist',
    });
  }
  const [gone] = verdict.unmatched;
  if (gone) {
    const flow = spec.required[gone.rule]!;
    const side = describeSide(flow[gone.side]);
    return fail(`nothing matches ${side}, the ${gone.side === 'from' ? 'source' : 'destination'} of the required flow ${describeFlowSpec(flow)} (deleting or scaling the workload to zero is not a fix)`, {
      object: side,
      observed: 'no pods',
      expected: 'the workload still runs',
    });
  }
  const [missing] = verdict.missing;
  if (missing) {
    return fail(`${describeFlow(missing)} is required, but denied. ${explainFlow(model, missing)}`, {
      object: `${endpointName(missing.from)} -> ${endpointName(missing.to)}`,
      observed: `denied: ${describeConnections(missing.connections)}`,
      expected: 'allowed: a required flow',
    });
  }
  const counted = `${verdict.pairs} pairs judged: ${livePods.length} live pods, new pods in ${newPods.length / newPodLabels.length} namespaces, ${declared.length} declared pods, ${spec.peers.outside.length} outside addresses`;
  const required = spec.required.length > 0 ? `, and every required flow is allowed` : '';
  return pass(`every connection ${describeScope(spec)} is in the allowlist${required} (${counted})`);
}

function compileFlow(flow: FlowSpec): FlowRule {
  return {
    from: compileSide(flow.from)!,
    to: compileSide(flow.to)!,
    connections: connectionsOf(flow.ports.map((entry) => ({ protocol: entry.protocol, from: entry.port, to: entry.endPort ?? entry.port }))),
  };
}

/** Undefined only for a CIDR that does not parse, which the load-time refinement reports. */
function compileSide(side: FlowSideSpec): FlowSide | undefined {
  if (side === 'anywhere') return { kind: 'anywhere' };
  if ('pods' in side) {
    return { kind: 'pods', ...(side.pods.namespace ? { namespace: side.pods.namespace } : {}), pods: compileLabelSelector(side.pods.selector, 'selector', () => undefined) };
  }
  const cidr = parseCidr(side.ipBlock.cidr);
  if (!cidr) return undefined;
  return { kind: 'outside', cidr, except: side.ipBlock.except.flatMap((text) => parseCidr(text) ?? []) };
}

/** Every named container port of the given pods, once: a new pod looks like its neighbours. */
function portsOf(pods: readonly PodEndpoint[]): EndpointPort[] {
  const ports = new Map<string, EndpointPort>();
  for (const live of pods) for (const port of live.ports) ports.set(`${port.name ?? ''}:${port.port}/${port.protocol}`, port);
  return [...ports.values()];
}

function describeFlow(flow: Flow): string {
  return `${endpointName(flow.from)} -> ${endpointName(flow.to)} on ${describeConnections(flow.connections)}`;
}

function describeFlowSpec(flow: FlowSpec): string {
  const ports = flow.ports.map((entry) => `${entry.protocol} ${entry.port}${entry.endPort ? `-${entry.endPort}` : ''}`).join(', ');
  return `${describeSide(flow.from)} -> ${describeSide(flow.to)} on ${ports}`;
}

function describeSide(side: FlowSideSpec): string {
  if (side === 'anywhere') return 'anywhere';
  if ('pods' in side) return describePods(side.pods.namespace, side.pods.selector);
  const except = side.ipBlock.except.length > 0 ? ` except ${side.ipBlock.except.join(', ')}` : '';
  return `addresses in ${side.ipBlock.cidr}${except}`;
}

function describePods(namespace: string | undefined, selector: LabelSelectorSpec): string {
  const where = namespace ? `in ${namespace}` : 'in every namespace';
  const labels = describeSelector(selector);
  return labels === '(all pods)' ? `every pod ${where}` : `pods ${labels} ${where}`;
}

function describeScope(spec: AllowlistSpec): string {
  const direction = { both: 'into and out of', ingress: 'into', egress: 'out of' }[spec.direction];
  return `${direction} ${spec.pods.map((selection) => describePods(selection.namespace, selection.selector)).join(' and ')}`;
}
