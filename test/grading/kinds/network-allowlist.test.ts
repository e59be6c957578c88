import { describe, expect, it } from 'vitest';
import { checkSchema, watchTargets, type CheckSpec } from '../../../src/grading/kinds/registry.js';

const hints = { nudge: 'n', concept: 'c', command: 'k' };
const frontend = { pods: { namespace: 'shop', selector: { matchLabels: { app: 'frontend' } } } };
const allowlist = (extra: Record<string, unknown> = {}) => ({
  id: 'only-what-is-needed',
  title: 'only what the shop needs, and nothing else',
  kind: 'network-allowlist',
  hints,
  pods: [{ namespace: 'shop' }],
  allowed: [{ from: 'anywhere', to: frontend, ports: [{ port: 8080 }] }],
  ...extra,
});

function problems(check: unknown): string[] {
  const result = checkSchema.safeParse(check);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('network-allowlist fields', () => {
  it('defaults to both directions, CoreDNS as a peer and representative outside addresses', () => {
    const parsed = checkSchema.parse(allowlist()) as Extract<CheckSpec, { kind: 'network-allowlist' }>;
    expect(parsed.direction).toBe('both');
    expect(parsed.peers.namespaces).toEqual([]);
    expect(parsed.peers.pods).toEqual([expect.objectContaining({ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } })]);
    expect(parsed.peers.outside).toEqual(['203.0.113.10', '169.254.169.254', '10.0.0.10']);
    expect(parsed.allowed[0]!.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(parsed.required).toEqual([]);
  });

  it('refuses CIDRs and addresses that do not parse, and excepts outside their block', () => {
    const flows = [
      { from: { ipBlock: { cidr: '0.0.0.0/33' } }, to: frontend, ports: [{ port: 8080 }] },
      { from: { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '2001:db8::/32'] } }, to: frontend, ports: [{ port: 8080 }] },
    ];
    expect(problems(allowlist({ allowed: flows, peers: { outside: ['203.0.113.10', 'example.com'] } }))).toEqual([
      'peers.outside.1: "example.com" is not an IPv4 or IPv6 address',
      'allowed.0.from.ipBlock.cidr: "0.0.0.0/33" is not a CIDR such as 0.0.0.0/0',
      'allowed.1.from.ipBlock.except.1: "2001:db8::/32" is not a CIDR inside 0.0.0.0/0',
    ]);
  });

  it('refuses a flow that could never match: a namespace the matrix lacks, a block without an outside address', () => {
    const flows = [
      { from: { pods: { namespace: 'ci-runners' } }, to: frontend, ports: [{ port: 8080 }] },
      { from: { ipBlock: { cidr: '192.0.2.0/24' } }, to: frontend, ports: [{ port: 8080 }] },
      { from: frontend, to: { pods: { namespace: 'kube-system', selector: { matchLabels: { 'k8s-app': 'kube-dns' } } } }, ports: [{ port: 53, protocol: 'UDP' }] },
    ];
    expect(problems(allowlist({ required: flows }))).toEqual([
      'required.0.from.pods.namespace: the check looks at no pod in "ci-runners": add it to pods, peers.namespaces or peers.pods',
      'required.1.from.ipBlock.cidr: no address of peers.outside is in 192.0.2.0/24: add one, or this flow never matches',
    ]);
    expect(problems(allowlist({ required: flows.slice(0, 1), peers: { namespaces: ['ci-runners'] } }))).toEqual([]);
  });

  it('wants ports on every flow, and endPort at or above port', () => {
    expect(problems(allowlist({ allowed: [{ from: 'anywhere', to: frontend, ports: [] }] }))).toEqual([expect.stringContaining('allowed.0.ports')]);
    expect(problems(allowlist({ allowed: [{ from: 'anywhere', to: frontend, ports: [{ port: 9000, endPort: 8000 }] }] }))).toEqual([
      'allowed.0.ports.0.endPort: endPort must be >= port',
    ]);
    expect(problems(allowlist({ allowed: [{ from: 'everywhere', to: frontend, ports: [{ port: 80 }] }] }))).not.toEqual([]);
  });

  it('watches pods and policies of the judged and peer namespaces, and the policies where declared pods live', () => {
    const targets = watchTargets([checkSchema.parse(allowlist({ peers: { namespaces: ['ci-runners'] } }))]);
    expect(targets.map((target) => `${target.kind}@${target.namespace ?? '*'}`).sort()).toEqual([
      'Namespace@*',
      'NetworkPolicy@ci-runners',
      'NetworkPolicy@kube-system',
      'NetworkPolicy@shop',
      'Pod@ci-runners',
      'Pod@shop',
    ]);
  });
});
