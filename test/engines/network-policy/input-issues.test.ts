import { describe, expect, it } from 'vitest';
import {
  buildNetworkModel,
  evaluateConnection,
  externalEndpoint,
  reachabilityMatrix,
  type Endpoint,
  type NetworkModelInput,
} from '../../../src/engines/network-policy/index.js';
import { pod, policy } from './helpers/objects.js';

const web = pod('shop/web', { app: 'web' });
const api = pod('shop/api', { app: 'api' });

function evaluate(input: NetworkModelInput, to: Endpoint | 'api' = 'api', query = { port: 80 }) {
  const model = buildNetworkModel(input);
  return evaluateConnection(model, model.findPod('shop', 'web')!, to === 'api' ? model.findPod('shop', 'api')! : to, query);
}

function webIngress(rule: Record<string, unknown>) {
  return { pods: [web, api], policies: [policy('shop/bad', { podSelector: { matchLabels: { app: 'api' } }, ingress: [rule] })] };
}

describe('input that makes a verdict impossible', () => {
  it.each([
    [{ from: [{ ipBlock: { cidr: '10.0.0/8' } }] }, 'spec.ingress[0].from[0].ipBlock.cidr', 'is not a CIDR'],
    [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }, 'spec.ingress[0].from[0].ipBlock.except[0]', 'is not inside 10.0.0.0/8'],
    [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }, 'spec.ingress[0].from[0]', 'cannot combine ipBlock'],
    [{ from: [{}] }, 'spec.ingress[0].from[0]', 'empty peer'],
    [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } }] }, 'spec.ingress[0].from[0].podSelector.matchExpressions[0].operator', 'unknown operator'],
    [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }] }, 'spec.ingress[0].from[0].podSelector.matchExpressions[0].values', 'needs at least one value'],
    [{ ports: [{ port: 80, protocol: 'tcp' }] }, 'spec.ingress[0].ports[0].protocol', 'is not TCP, UDP or SCTP'],
    [{ ports: [{ port: '80' }] }, 'spec.ingress[0].ports[0].port', 'write the port as a number'],
    [{ ports: [{ port: 'http', endPort: 90 }] }, 'spec.ingress[0].ports[0].endPort', 'only be used with a numeric port'],
    [{ ports: [{ port: 90, endPort: 80 }] }, 'spec.ingress[0].ports[0].endPort', 'must be a port number >= port 90'],
    [{ ports: [{ port: 0 }] }, 'spec.ingress[0].ports[0].port', 'is not a port number'],
  ])('reports %j at its field path instead of guessing', (rule, path, message) => {
    const result = evaluate(webIngress(rule));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([{ object: 'NetworkPolicy shop/bad', path, message: expect.stringContaining(message) }]);
  });

  it('reports a broken policy selector for every pod of its namespace, since it might select them', () => {
    const broken = policy('shop/broken', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } });
    const result = evaluate({ pods: [web, api], policies: [broken] });
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'spec.podSelector.matchExpressions[0].values' }] });
  });

  it('still judges connections that no broken policy governs', () => {
    const elsewhere = policy('shop/bad', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ ipBlock: { cidr: 'nope' } }] }] });
    const model = buildNetworkModel({ pods: [web, api], policies: [elsewhere] });
    expect(model.issues).toHaveLength(1);
    expect(evaluate({ pods: [web, api], policies: [elsewhere] })).toMatchObject({ ok: true, value: { allowed: true } });
  });

  it('reports a bad query and an unparsable external address', () => {
    expect(evaluate({ pods: [web, api] }, 'api', { port: 70000 })).toMatchObject({ ok: false, issues: [{ object: 'connection', path: 'port' }] });
    expect(evaluate({ pods: [web, api] }, externalEndpoint('metadata.internal'))).toMatchObject({
      ok: false,
      issues: [{ object: 'endpoint metadata.internal', path: 'ip' }],
    });
  });
});

describe('odd shapes from a live cluster or a hand-written manifest', () => {
  const oddPolicies: unknown[] = [
    null,
    'NetworkPolicy',
    42,
    { metadata: 5, spec: 'x' },
    { metadata: { namespace: 'shop', name: 'a' }, spec: { podSelector: [], ingress: 'all' } },
    { metadata: { namespace: 'shop', name: 'b' }, spec: { policyTypes: 'Ingress', ingress: [null, 7] } },
    { metadata: { namespace: 'shop', name: 'c' }, spec: { egress: [{ to: 'everyone', ports: [null, { port: true }] }] } },
    { metadata: { namespace: 'shop', name: 'd' }, spec: { ingress: [{ from: [{ namespaceSelector: { matchLabels: ['x'] }, podSelector: { matchExpressions: 'x' } }] }] } },
  ];
  const oddPods: unknown[] = [null, {}, { metadata: { labels: 'x' }, spec: { containers: 'x' } }, { spec: { containers: [{ ports: [{ containerport: 80 }, null] }] } }];

  it('never throws, and reports what it could not read', () => {
    const model = buildNetworkModel({ namespaces: [null, { metadata: { name: 7 } }], pods: [web, api, ...oddPods], policies: oddPolicies });
    expect(model.pods).toHaveLength(6);
    expect(model.issues.length).toBeGreaterThan(5);
    for (const from of model.pods) {
      for (const to of [...model.pods, externalEndpoint('1.2.3.4')]) {
        const result = evaluateConnection(model, from, to, { port: 80 });
        expect(typeof result.ok).toBe('boolean');
      }
    }
    expect(reachabilityMatrix(model, { port: 80 }).ok).toBe(false);
  });
});
