import { describe, expect, it } from 'vitest';
import {
  allowedConnections,
  buildNetworkModel,
  compileLabelSelector,
  connectionsOf,
  describeConnections,
  explainFlow,
  externalEndpoint,
  judgeAllowlist,
  parseCidr,
  podEndpoint,
  type AllowlistVerdict,
  type Endpoint,
  type FlowRule,
  type FlowSide,
  type MatrixEndpoint,
  type NetworkModel,
} from '../../../src/engines/network-policy/index.js';
import type { NetworkPolicy, Pod } from '../../../src/model/k8s.js';
import { hypotheticalPod, pod, policy } from './helpers/objects.js';
import { syntheticCluster } from './helpers/synthetic-cluster.js';

const everywhere = { ingress: true, egress: true };
const nowhere = { ingress: false, egress: false };

const frontend = pod('shop/frontend-1', { app: 'frontend' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
const frontendTwin = pod('shop/frontend-2', { app: 'frontend' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
const api = pod('shop/api-1', { app: 'api' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
const db = pod('shop/db-1', { app: 'db' }, [{ name: 'redis', port: 6379, protocol: 'TCP' }]);
const runner = pod('ci/runner-1', { app: 'runner' });
const coreDns = hypotheticalPod('kube-system/coredns', { 'k8s-app': 'kube-dns' }, [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
]);
const internet = externalEndpoint('203.0.113.10');

const pods = (namespace: string | undefined, matchLabels: Record<string, string> = {}): FlowSide => ({
  kind: 'pods',
  ...(namespace ? { namespace } : {}),
  pods: compileLabelSelector({ matchLabels }, 'selector', () => undefined),
});
const outside = (cidr: string): FlowSide => ({ kind: 'outside', cidr: parseCidr(cidr)!, except: [] });
const flow = (from: FlowSide, to: FlowSide, ...ports: [protocol: 'TCP' | 'UDP', port: number, endPort?: number][]): FlowRule => ({
  from,
  to,
  connections: connectionsOf(ports.map(([protocol, from, to]) => ({ protocol, from, to: to ?? from }))),
});

/** The shop's needs: customers to the frontend, frontend to api, api to db, DNS for every shop pod. */
const shopNeeds: FlowRule[] = [
  flow({ kind: 'anywhere' }, pods('shop', { app: 'frontend' }), ['TCP', 8080]),
  flow(pods('shop', { app: 'frontend' }), pods('shop', { app: 'api' }), ['TCP', 8080]),
  flow(pods('shop', { app: 'api' }), pods('shop', { app: 'db' }), ['TCP', 6379]),
  flow(pods('shop'), pods('kube-system', { 'k8s-app': 'kube-dns' }), ['UDP', 53], ['TCP', 53]),
];

const shopPolicies: NetworkPolicy[] = [
  policy('shop/default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('shop/dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
    ],
  }),
  policy('shop/frontend', {
    podSelector: { matchLabels: { app: 'frontend' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ ports: [{ port: 8080 }] }],
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }],
  }),
  policy('shop/api', {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }],
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 6379 }] }],
  }),
  policy('shop/db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'redis' }] }] }),
];

const newShopPod = hypotheticalPod('shop/new-pod-no-labels', {});

/** The shop's matrix: its pods judged both ways, the CI runner, CoreDNS, a new pod and the internet as the other side. */
function shopMatrix(extra: { pods?: Pod[]; judged?: (endpoint: Endpoint) => MatrixEndpoint['judged'] } = {}): MatrixEndpoint[] {
  const judged = extra.judged ?? ((endpoint: Endpoint) => (endpoint.kind === 'pod' && endpoint.namespace === 'shop' ? everywhere : nowhere));
  const live = [frontend, frontendTwin, api, db, runner, ...(extra.pods ?? [])].map(podEndpoint);
  return [
    ...live.map((endpoint) => ({ endpoint, judged: judged(endpoint), known: true })),
    { endpoint: coreDns, judged: judged(coreDns), known: true },
    { endpoint: newShopPod, judged: judged(newShopPod), known: false },
    { endpoint: internet, judged: nowhere, known: true },
  ];
}

function judge(policies: NetworkPolicy[], endpoints: MatrixEndpoint[], allowed: FlowRule[], required: FlowRule[] = []): { model: NetworkModel; verdict: AllowlistVerdict } {
  const model = buildNetworkModel({ policies });
  const outcome = judgeAllowlist(model, { endpoints, allowed, required });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return { model, verdict: outcome.value };
}

const flowNames = (flows: readonly { from: Endpoint; to: Endpoint; connections: Parameters<typeof describeConnections>[0] }[]) =>
  flows.map((found) => `${name(found.from)} -> ${name(found.to)}: ${describeConnections(found.connections)}`);
const name = (endpoint: Endpoint) => (endpoint.kind === 'pod' ? `${endpoint.namespace}/${endpoint.name}` : endpoint.ip);

describe('judgeAllowlist', () => {
  it('finds every judged connection of a flat network beyond the allowlist, on every port', () => {
    const { verdict } = judge([], shopMatrix(), shopNeeds);
    const flows = flowNames(verdict.excess);
    expect(flows).toContain('ci/runner-1 -> shop/db-1: All Connections');
    expect(flows).toContain('shop/frontend-1 -> shop/api-1: TCP 1-8079,8081-65535, UDP 1-65535, SCTP 1-65535');
    expect(flows).toContain('shop/api-1 -> kube-system/coredns: TCP 1-52,54-65535, UDP 1-52,54-65535, SCTP 1-65535');
    // Connections that touch no judged pod are not the check's business.
    expect(flows.filter((line) => line.startsWith('ci/runner-1 -> kube-system') || line.startsWith('203.0.113.10 -> ci/'))).toEqual([]);
    expect(verdict.excessCount).toBe(flows.length);
  });

  it('keeps the first flows beyond the allowlist when told to, and counts them all', () => {
    const all = judge([], shopMatrix(), shopNeeds).verdict;
    const outcome = judgeAllowlist(buildNetworkModel({}), { endpoints: shopMatrix(), allowed: shopNeeds, required: [] }, { maxFlows: 1 });
    expect(outcome.ok && outcome.value.excess).toEqual(all.excess.slice(0, 1));
    expect(outcome.ok && outcome.value.excessCount).toBe(all.excess.length);
  });

  it('passes the shop\'s policies: default deny, DNS, and both ends of every needed connection', () => {
    const customers = flow(outside('0.0.0.0/0'), pods('shop', { app: 'frontend' }), ['TCP', 8080]);
    const { verdict } = judge(shopPolicies, shopMatrix(), shopNeeds, [customers, ...shopNeeds.slice(1)]);
    expect(verdict).toMatchObject({ excess: [], missing: [], unmatched: [] });
    expect(verdict.pairs).toBeGreaterThan(20);
  });

  it('judges replicas against their siblings, but no pod against itself', () => {
    const apiTwin = pod('shop/api-2', { app: 'api' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const peers = (app: string, port: string) =>
      policy(`shop/${app}-peers`, {
        podSelector: { matchLabels: { app } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app } } }], ports: [{ port }] }],
        egress: [{ to: [{ podSelector: { matchLabels: { app } } }], ports: [{ port }] }],
      });
    const { verdict } = judge([...shopPolicies, peers('api', 'http'), peers('db', 'redis')], shopMatrix({ pods: [apiTwin] }), shopNeeds);
    expect(flowNames(verdict.excess)).toEqual(['shop/api-1 -> shop/api-2: TCP 8080']);
  });

  it('resolves named ports on each destination: only pods declaring the name are opened', () => {
    const httpForAll = policy('shop/http-for-all', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] });
    const { verdict } = judge([...shopPolicies, httpForAll], shopMatrix(), shopNeeds);
    expect(flowNames(verdict.excess)).toEqual([
      'ci/runner-1 -> shop/api-1: TCP 8080',
      'kube-system/coredns -> shop/api-1: TCP 8080',
      '203.0.113.10 -> shop/api-1: TCP 8080',
    ]);
  });

  it('judges only the chosen direction of a judged endpoint', () => {
    const intoDb = (endpoint: Endpoint) => ({ ingress: endpoint.kind === 'pod' && endpoint.labels.app === 'db', egress: false });
    const { verdict } = judge([], shopMatrix({ judged: intoDb }), [flow(pods('shop', { app: 'api' }), pods('shop', { app: 'db' }), ['TCP', 6379])]);
    const flows = flowNames(verdict.excess);
    expect(flows.every((line) => line.includes('-> shop/db-1'))).toBe(true);
    expect(flows).toContain('shop/api-1 -> shop/db-1: TCP 1-6378,6380-65535, UDP 1-65535, SCTP 1-65535');
    expect(flows).toContain('shop/new-pod-no-labels -> shop/db-1: All Connections');
  });

  it('catches a default deny that selects only labelled pods through the new pod without labels', () => {
    const labelledOnly = shopPolicies.map((candidate) =>
      candidate.metadata?.name === 'default-deny' || candidate.metadata?.name === 'dns'
        ? { ...candidate, spec: { ...candidate.spec, podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } } }
        : candidate,
    );
    const { verdict } = judge(labelledOnly, shopMatrix(), shopNeeds);
    expect(flowNames(verdict.excess)).toEqual(
      expect.arrayContaining(['ci/runner-1 -> shop/new-pod-no-labels: All Connections', 'shop/new-pod-no-labels -> 203.0.113.10: All Connections']),
    );
    expect(flowNames(verdict.excess).every((line) => line.includes('new-pod-no-labels'))).toBe(true);
  });

  it('reports the part of a required flow that is denied: a UDP-only DNS rule lacks TCP 53', () => {
    const udpOnly = shopPolicies.map((candidate) =>
      candidate.metadata?.name === 'dns' ? policy('shop/dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] }) : candidate,
    );
    const needsDns = [flow(pods('shop', { app: 'api' }), pods('kube-system', { 'k8s-app': 'kube-dns' }), ['UDP', 53], ['TCP', 53])];
    const { verdict } = judge(udpOnly, shopMatrix(), shopNeeds, needsDns);
    expect(flowNames(verdict.missing)).toEqual(['shop/api-1 -> kube-system/coredns: TCP 53']);
    // Allowing UDP 53 to every address is more than the shop needs.
    expect(flowNames(verdict.excess)).toContain('shop/api-1 -> 203.0.113.10: UDP 53');
  });

  it('reports a required flow whose pods are gone, and never requires anything of a new pod', () => {
    const withoutDb = shopMatrix().filter((entry) => !(entry.endpoint.kind === 'pod' && entry.endpoint.labels.app === 'db'));
    const { verdict } = judge(shopPolicies, withoutDb, shopNeeds, [
      flow(pods('shop', { app: 'api' }), pods('shop', { app: 'db' }), ['TCP', 6379]),
      flow(pods('shop'), pods('kube-system', { 'k8s-app': 'kube-dns' }), ['UDP', 53]),
    ]);
    expect(verdict.unmatched).toEqual([{ rule: 0, side: 'to' }]);
    expect(verdict.missing).toEqual([]);
  });

  it('matches outside addresses by CIDR, with except, and names unlisted pairs first', () => {
    const everyAddress = policy('shop/frontend-out', { podSelector: { matchLabels: { app: 'frontend' } }, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    const metadata = externalEndpoint('169.254.169.254');
    const endpoints = [...shopMatrix(), { endpoint: metadata, judged: nowhere, known: true }];
    const outsideButMetadata: FlowSide = { kind: 'outside', cidr: parseCidr('0.0.0.0/0')!, except: [parseCidr('169.254.169.254/32')!] };
    const { verdict } = judge([...shopPolicies, everyAddress], endpoints, [...shopNeeds, flow(pods('shop', { app: 'frontend' }), outsideButMetadata, ['TCP', 1, 65535])]);
    // The pair the allowlist says nothing about comes before the one allowed on more than it lists.
    expect(flowNames(verdict.excess)).toEqual([
      'shop/frontend-1 -> 169.254.169.254: All Connections',
      'shop/frontend-1 -> 203.0.113.10: UDP 1-65535, SCTP 1-65535',
    ]);
    const tcpAndUdpOut = flow(pods('shop', { app: 'frontend' }), outside('0.0.0.0/0'), ['TCP', 1, 65535], ['UDP', 1, 65535]);
    expect(flowNames(judge([...shopPolicies, everyAddress], endpoints, [...shopNeeds, tcpAndUdpOut]).verdict.excess)).toEqual([
      'shop/frontend-1 -> 203.0.113.10: SCTP 1-65535',
      'shop/frontend-1 -> 169.254.169.254: SCTP 1-65535',
    ]);
  });

  it('explains a flow beyond the allowlist by the rule that allows it, on a familiar port', () => {
    const orTrap = policy('shop/api', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 6379 }] }],
    });
    const { model, verdict } = judge([...shopPolicies.filter((candidate) => candidate.metadata?.name !== 'api'), orTrap], shopMatrix(), shopNeeds);
    const [first] = verdict.excess;
    expect(flowNames(verdict.excess)).toEqual(['ci/runner-1 -> shop/api-1: TCP 8080', 'kube-system/coredns -> shop/api-1: TCP 8080']);
    expect(explainFlow(model, first!)).toBe(
      'Allowed. No NetworkPolicy isolates egress of ci/runner-1, so it may send anything. shop/api-1 is ingress-isolated by shop/default-deny and shop/api; shop/api spec.ingress[0] allows TCP 8080 from ci/runner-1.',
    );
    const unlimited = judge([], shopMatrix(), []).verdict.excess[0]!;
    expect(explainFlow(model, unlimited)).toContain('TCP 443');
  });

  it.each([1, 2, 3])('agrees with allowedConnections on every pair of a synthetic cluster, replicas grouped (seed %i)', (seed) => {
    const cluster = syntheticCluster({ pods: 60, namespaces: 4, policies: 20, seed });
    const model = buildNetworkModel(cluster);
    const endpoints: MatrixEndpoint[] = [
      ...cluster.pods.map((candidate) => ({ endpoint: podEndpoint(candidate), judged: everywhere, known: true })),
      { endpoint: internet, judged: nowhere, known: true },
    ];
    const outcome = judgeAllowlist(model, { endpoints, allowed: [], required: [] });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));

    // Pairs of indistinguishable pods (namespace, labels, ports) collapse: compare by those signatures.
    const signature = (endpoint: Endpoint) => (endpoint.kind === 'pod' ? JSON.stringify([endpoint.namespace, endpoint.labels, endpoint.ports]) : endpoint.ip);
    const expected = new Set<string>();
    for (const from of endpoints) {
      for (const to of endpoints) {
        if (from === to || (from.endpoint.kind === 'external' && to.endpoint.kind === 'external')) continue;
        const allowed = allowedConnections(model, from.endpoint, to.endpoint);
        if (!allowed.ok) throw new Error(JSON.stringify(allowed.issues));
        const described = describeConnections(allowed.value);
        if (described !== 'no connections') expected.add(`${signature(from.endpoint)} -> ${signature(to.endpoint)}: ${described}`);
      }
    }
    const found = new Set(outcome.value.excess.map((excess) => `${signature(excess.from)} -> ${signature(excess.to)}: ${describeConnections(excess.connections)}`));
    expect(found).toEqual(expected);
    expect(found.size).toBeGreaterThan(0);
  });
});
