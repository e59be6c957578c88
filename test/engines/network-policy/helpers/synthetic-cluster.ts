import type { Namespace, NetworkPolicy, Pod } from '../../../../src/model/k8s.js';
import { namespace, pod, policy } from './objects.js';

// A seeded, plausible cluster: a few apps per namespace, default-deny and allow
// policies mixing every peer and port form. Used by the matrix property test
// and by bench/reach.bench.ts.

export interface SyntheticCluster {
  namespaces: Namespace[];
  pods: Pod[];
  policies: NetworkPolicy[];
}

export interface ClusterShape {
  pods: number;
  namespaces: number;
  policies: number;
  seed?: number;
}

const apps = ['web', 'api', 'db', 'cache', 'worker', 'metrics'];
const teams = ['red', 'blue', 'green'];
const portsByApp: Record<string, { name: string; port: number; protocol: string }[]> = {
  web: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  api: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
  db: [{ name: 'sql', port: 5432, protocol: 'TCP' }],
  cache: [{ name: 'redis', port: 6379, protocol: 'TCP' }],
  worker: [{ name: 'metrics', port: 9090, protocol: 'TCP' }],
  metrics: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'http', port: 9090, protocol: 'TCP' }],
};

export function syntheticCluster(shape: ClusterShape): SyntheticCluster {
  const random = seededRandom(shape.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const namespaceNames = Array.from({ length: shape.namespaces }, (_, index) => `ns-${index}`);
  const namespaces = namespaceNames.map((name, index) => namespace(name, { team: teams[index % teams.length]! }));
  const pods = Array.from({ length: shape.pods }, (_, index) => {
    const app = pick(apps);
    const labels: Record<string, string> = { app, tier: pick(['front', 'back']) };
    if (random() < 0.3) labels.canary = 'true';
    return pod(`${namespaceNames[index % namespaceNames.length]}/${app}-${index}`, labels, portsByApp[app], `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`);
  });
  const policies = Array.from({ length: shape.policies }, (_, index) => {
    const ref = `${namespaceNames[index % namespaceNames.length]}/policy-${index}`;
    return policy(ref, policySpec(index, pick, random));
  });
  return { namespaces, pods, policies };
}

type Pick = <T>(items: readonly T[]) => T;

function policySpec(index: number, pick: Pick, random: () => number): Record<string, unknown> {
  const app = () => ({ matchLabels: { app: pick(apps) } });
  switch (index % 6) {
    case 0:
      return { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
    case 1:
      return { podSelector: app(), ingress: [{ from: [{ podSelector: app() }], ports: [{ port: 'http' }] }] };
    case 2:
      return {
        podSelector: app(),
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: pick(teams) } }, podSelector: app() }, { podSelector: { matchExpressions: [{ key: 'canary', operator: 'Exists' }] } }] }],
      };
    case 3:
      return {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] },
        egress: [
          { to: [{ namespaceSelector: {}, podSelector: app() }], ports: [{ port: pick(['metrics', 'sql', 'redis']) }] },
          { ports: [{ port: 53, protocol: 'UDP' }, { port: 'dns', protocol: 'UDP' }] },
        ],
      };
    case 4:
      return {
        podSelector: app(),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }, { podSelector: {} }], ports: [{ port: 8000, endPort: 8100 }] }],
      };
    default:
      return {
        podSelector: random() < 0.5 ? {} : app(),
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: [pick(teams)] }] } }], ports: [{ port: 9090 }, { port: 'sql' }] }],
        egress: [],
      };
  }
}

/** mulberry32: a tiny deterministic generator, so every run builds the same cluster. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
