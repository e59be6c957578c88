import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { CheckStatus, GradeReport } from '../../../src/grading/types.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/** Every check as the setup leaves it: the network is flat, so the shop works and the attack too. */
const vulnerable: Record<string, CheckStatus> = {
  'only-the-api-reaches-the-db': 'fail',
  'only-needed-connections-in': 'fail',
  'only-needed-connections-out': 'fail',
  // The test plane has no container runtime (and no CNI): the live replays are proven on kind.
  'ci-runner-blocked-live': 'skipped',
  'customers-reach-frontend': 'pass',
  'frontend-reaches-api': 'pass',
  'api-reaches-db': 'pass',
  'dns-udp': 'pass',
  'dns-tcp': 'pass',
  'storefront-works-live': 'skipped',
};

const fixed: Record<string, CheckStatus> = {
  ...vulnerable,
  'only-the-api-reaches-the-db': 'pass',
  'only-needed-connections-in': 'pass',
  'only-needed-connections-out': 'pass',
};

type Rule = Record<string, unknown>;
type Policy = {
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown> & { podSelector?: unknown; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
};

const fixtures = join(import.meta.dirname, '../../fixtures/scenarios/missing-networkpolicy');
const app = (name: string) => ({ podSelector: { matchLabels: { app: name } } });
const tcp = (port: number | string) => ({ protocol: 'TCP', port });
const coreDnsPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

/** A fix's verdict: the named checks fail, each with a message matching its pattern; every other check is as fixed. */
function expectFailures(report: GradeReport, failing: Record<string, RegExp>): void {
  expectStatuses(report, { ...fixed, ...Object.fromEntries(Object.keys(failing).map((id) => [id, 'fail'])) });
  for (const [id, pattern] of Object.entries(failing)) expect(messageOf(report, id)).toMatch(pattern);
}

const notInAllowlist = 'is allowed, but the allowlist does not list it';

describeWithPlane('scenario missing-networkpolicy on the test plane', () => {
  const lab = useScenario('missing-networkpolicy');

  const load = (file: string): Policy[] => parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJSON() as Policy);
  /** The reference solution's policies, fresh for each fix to change one thing in. */
  const reference = () => load(join(lab.scenario.dir, 'solution/networkpolicies.yaml'));
  const perWorkload = () => load(join(fixtures, 'per-workload-policies.yaml'));
  const namespacePinned = () => load(join(fixtures, 'namespace-pinned-named-ports.yaml'));
  const named = (policies: Policy[], name: string): Policy => {
    const policy = policies.find((candidate) => candidate.metadata.name === name);
    if (!policy) throw new Error(`no policy ${name} in ${policies.map((candidate) => candidate.metadata.name).join(', ')}`);
    return policy;
  };
  const shopPolicy = (name: string, spec: Policy['spec']): Policy => ({ metadata: { name, namespace: 'shop' }, spec });
  const applyPolicies = (policies: Policy[]) =>
    lab.apply(policies.map((policy) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...policy })).join('\n---\n'));
  const gradeWith = async (policies: Policy[]) => {
    await applyPolicies(policies);
    return lab.grade();
  };

  // Pods stay as the setup made them; only policies change between cases, so removing them
  // returns the scenario to its start without a full reset.
  beforeEach(async () => {
    for (const namespace of ['shop', 'ci-runners']) await lab.kubectl(['-n', namespace, 'delete', 'networkpolicy', '--all']);
  });

  it('starts vulnerable: every fix check fails, the guards pass, live probes are skipped', async () => {
    await lab.reset();
    const report = await lab.grade();
    expectStatuses(report, vulnerable);
    expect(messageOf(report, 'only-the-api-reaches-the-db')).toMatch(
      new RegExp(`^shop/frontend-\\S+ -> shop/db-\\S+ on All Connections ${notInAllowlist} \\(nor \\d+ other flows that the policies allow\\)\\. Allowed\\. No NetworkPolicy isolates egress of shop/frontend-\\S+, so it may send anything\\. No NetworkPolicy isolates ingress of shop/db-\\S+, so it accepts anything\\.$`),
    );
    expect(messageOf(report, 'only-needed-connections-out')).toMatch(/^shop\/api-\S+ -> ci-runners\/ci-runner-\S+ on All Connections is allowed/);
  });

  it('passes with the reference solution, in 7 requests', async () => {
    await lab.solve();
    const report = await lab.grade();
    expectStatuses(report, fixed);
    expect(messageOf(report, 'only-needed-connections-in')).toMatch(/^every connection into every pod in shop is in the allowlist \(\d+ pairs judged: 5 live pods, new pods in 4 namespaces, 1 declared pods, 3 outside addresses\)$/);
    // One LIST per kind and namespace, shared by all checks: namespaces, nodes, pods and policies
    // of shop and ci-runners, and the policies of kube-system (where CoreDNS lives).
    expect(report.requests).toBe(7);
  });

  describe('correct fixes written differently pass', () => {
    it("by following the hint ladder: each check's command rung, applied as printed", async () => {
      // The heredoc manifests of the "command" rungs, in check order, the order `hint` reveals them.
      const manifests = lab.scenario.checks.flatMap((check) => {
        const heredoc = 'hints' in check ? check.hints.command.match(/<<'EOF'\n([\s\S]*?)\nEOF/)?.[1] : undefined;
        return heredoc ? [heredoc] : [];
      });
      expect(manifests.length).toBeGreaterThanOrEqual(6);
      for (const manifest of manifests) await lab.apply(manifest);
      expectStatuses(await lab.grade(), fixed);
    });

    it('with one policy per workload holding both directions, DNS only where names are resolved (kubectl apply)', async () => {
      await lab.kubectl(['apply', '-f', join(fixtures, 'per-workload-policies.yaml')]);
      expectStatuses(await lab.grade(), fixed);
    });

    it('with peers pinned by kubernetes.io/metadata.name, named ports and a default deny per direction (kubectl create)', async () => {
      await lab.kubectl(['create', '-f', join(fixtures, 'namespace-pinned-named-ports.yaml')]);
      expectStatuses(await lab.grade(), fixed);
    });

    it('with separate ingress and egress policies for every workload', async () => {
      const split = reference().flatMap((policy) => {
        const { ingress, egress, policyTypes, ...rest } = policy.spec;
        if (!policyTypes?.includes('Ingress') || !policyTypes.includes('Egress') || (!ingress && !egress)) return [policy];
        return [
          shopPolicy(`${policy.metadata.name}-ingress`, { ...rest, policyTypes: ['Ingress'], ...(ingress ? { ingress } : {}) }),
          shopPolicy(`${policy.metadata.name}-egress`, { ...rest, policyTypes: ['Egress'], ...(egress ? { egress } : {}) }),
        ];
      });
      expect(split.length).toBeGreaterThan(reference().length);
      expectStatuses(await gradeWith(split), fixed);
    });

    it('with set-based selectors, endPort ranges, customers as 0.0.0.0/0 and every namespace, DNS for frontend and api only', async () => {
      await lab.kubectl(['apply', '-f', join(fixtures, 'expressions-and-ranges.yaml')]);
      expectStatuses(await lab.grade(), fixed);
    });

    it('with no separate default deny: policies selecting every pod isolate it (DNS for egress, a rule-less one for ingress)', async () => {
      const policies = reference().filter((policy) => policy.metadata.name !== 'default-deny');
      // allow-dns (podSelector {}, policyTypes [Egress]) already isolates every pod's egress.
      policies.push(shopPolicy('isolate-ingress', { podSelector: {}, policyTypes: ['Ingress'] }));
      expectStatuses(await gradeWith(policies), fixed);
    });
  });

  describe('wrong: the two-peers (OR) trap on the api instead of the db', () => {
    const ciRunnerToApi = new RegExp(`^ci-runners/ci-runner-\\S+ -> shop/api-\\S+ on TCP 8080 ${notInAllowlist}.*shop/api-\\S+ is ingress-isolated by .*allows TCP 8080 from ci-runners/ci-runner-\\S+\\.$`);

    it('any namespace OR the frontend, in the reference solution', async () => {
      const policies = reference();
      named(policies, 'api').spec.ingress = [{ from: [{ namespaceSelector: {} }, app('frontend')], ports: [tcp(8080)] }];
      expectFailures(await gradeWith(policies), { 'only-needed-connections-in': ciRunnerToApi });
    });

    it('the frontend OR any namespace, on the named port, in per-workload policies', async () => {
      const policies = perWorkload();
      named(policies, 'api').spec.ingress = [{ from: [app('frontend'), { namespaceSelector: {} }], ports: [{ port: 'http' }] }];
      expectFailures(await gradeWith(policies), { 'only-needed-connections-in': ciRunnerToApi });
    });

    it('every namespace but kube-system OR the frontend, with namespace-pinned peers', async () => {
      const policies = namespacePinned();
      named(policies, 'api-from-frontend').spec.ingress = [
        {
          from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } }, app('frontend')],
          ports: [{ port: 'http' }],
        },
      ];
      expectFailures(await gradeWith(policies), { 'only-needed-connections-in': ciRunnerToApi });
    });
  });

  describe('wrong: the frontend gets unlimited egress', () => {
    it('an empty egress rule (allow all) in its policy', async () => {
      const policies = reference();
      named(policies, 'frontend').spec.egress = [{ to: [app('api')], ports: [tcp(8080)] }, {}];
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/frontend-\\S+ -> ci-runners/ci-runner-\\S+ on All Connections ${notInAllowlist}.*shop/frontend spec\\.egress\\[1\\] allows TCP 443 to ci-runners/ci-runner-\\S+\\.`),
      });
    });

    it('every outside address (ipBlock 0.0.0.0/0, all ports)', async () => {
      const policies = perWorkload();
      named(policies, 'frontend').spec.egress!.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] });
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/frontend-\\S+ -> 203\\.0\\.113\\.10 on All Connections ${notInAllowlist}.*shop/frontend spec\\.egress\\[2\\] allows TCP 443 to 203\\.0\\.113\\.10\\.`),
      });
    });

    it('every pod of every namespace, in a policy of its own', async () => {
      const policies = namespacePinned();
      policies.push(shopPolicy('frontend-egress', { ...app('frontend'), policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }));
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/frontend-\\S+ -> ci-runners/ci-runner-\\S+ on All Connections ${notInAllowlist}.*shop/frontend-egress spec\\.egress\\[0\\] allows`),
      });
    });
  });

  describe('wrong: TCP 8080 open from 0.0.0.0/0 (or anywhere) to every pod', () => {
    it('a policy for every pod admitting 0.0.0.0/0 on 8080', async () => {
      const policies = reference();
      policies.push(shopPolicy('public-8080', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [tcp(8080)] }] }));
      expectFailures(await gradeWith(policies), {
        'only-the-api-reaches-the-db': new RegExp(`^203\\.0\\.113\\.10 -> shop/db-\\S+ on TCP 8080 ${notInAllowlist}.*shop/public-8080 spec\\.ingress\\[0\\] allows TCP 8080 from 203\\.0\\.113\\.10\\.$`),
        'only-needed-connections-in': new RegExp(`^203\\.0\\.113\\.10 -> shop/api-\\S+ on TCP 8080 ${notInAllowlist}.*shop/public-8080 spec\\.ingress\\[0\\] allows TCP 8080 from 203\\.0\\.113\\.10\\.$`),
      });
    });

    it("the frontend's policy copied with podSelector {} (8080 from anywhere, to every pod)", async () => {
      const policies = reference();
      policies.push({ ...named(reference(), 'frontend'), metadata: { name: 'storefront', namespace: 'shop' } });
      named(policies, 'storefront').spec.podSelector = {};
      const dbToApi = new RegExp(`^shop/db-\\S+ -> shop/api-\\S+ on TCP 8080 ${notInAllowlist}.*shop/storefront spec\\.egress\\[0\\] allows TCP 8080 to shop/api-\\S+\\. .*shop/storefront spec\\.ingress\\[0\\] allows TCP 8080 from shop/db-`);
      expectFailures(await gradeWith(policies), {
        'only-the-api-reaches-the-db': new RegExp(`^ci-runners/ci-runner-\\S+ -> shop/db-\\S+ on TCP 8080 ${notInAllowlist}.*shop/storefront spec\\.ingress\\[0\\] allows TCP 8080 from ci-runners/ci-runner-\\S+\\.$`),
        // The copy also lets every pod call the api, the db included: both directions name that flow first.
        'only-needed-connections-in': dbToApi,
        'only-needed-connections-out': dbToApi,
      });
    });

    it('0.0.0.0/0 on the named port http, which the api declares too', async () => {
      const policies = perWorkload();
      policies.push(shopPolicy('public-http', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 'http' }] }] }));
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-in': new RegExp(`^203\\.0\\.113\\.10 -> shop/api-\\S+ on TCP 8080 ${notInAllowlist}.*shop/public-http spec\\.ingress\\[0\\] allows TCP 8080`),
      });
    });
  });

  describe('wrong: a "default deny" that selects only pods with an app label', () => {
    const newPodIn = /^ci-runners\/ci-runner-\S+ -> shop\/new-pod-no-labels on All Connections is allowed.*No NetworkPolicy isolates ingress of shop\/new-pod-no-labels, so it accepts anything\.$/;
    const newPodOut = /^shop\/new-pod-no-labels -> \S+ on All Connections is allowed.*No NetworkPolicy isolates egress of shop\/new-pod-no-labels, so it may send anything\./;

    it('podSelector app Exists (DNS still selects every pod, so egress stays isolated)', async () => {
      const policies = reference();
      named(policies, 'default-deny').spec.podSelector = { matchExpressions: [{ key: 'app', operator: 'Exists' }] };
      expectFailures(await gradeWith(policies), { 'only-needed-connections-in': newPodIn });
    });

    it('podSelector app In [frontend, api, db], for the default deny and DNS', async () => {
      const policies = reference();
      const known = { matchExpressions: [{ key: 'app', operator: 'In', values: ['frontend', 'api', 'db'] }] };
      named(policies, 'default-deny').spec.podSelector = known;
      named(policies, 'allow-dns').spec.podSelector = known;
      expectFailures(await gradeWith(policies), { 'only-needed-connections-in': newPodIn, 'only-needed-connections-out': newPodOut });
    });

    it('no default deny at all: one policy per app, each isolating both directions', async () => {
      const policies = perWorkload().filter((policy) => policy.metadata.name !== 'default-deny-all');
      expectFailures(await gradeWith(policies), { 'only-needed-connections-in': newPodIn, 'only-needed-connections-out': newPodOut });
    });
  });

  describe('wrong: egress: [] alone, which isolates no egress', () => {
    const newPodOut = /^shop\/new-pod-no-labels -> \S+ on All Connections is allowed.*No NetworkPolicy isolates egress of shop\/new-pod-no-labels, so it may send anything\./;

    it('a default deny of ingress: [] and egress: [] without policyTypes', async () => {
      const policies = perWorkload();
      named(policies, 'default-deny-all').spec = { podSelector: {}, ingress: [], egress: [] };
      const report = await gradeWith(policies);
      // The API server defaulted policyTypes to [Ingress]: the live object says so.
      const live = await lab.kubectl(['-n', 'shop', 'get', 'networkpolicy', 'default-deny-all', '-o', 'jsonpath={.spec.policyTypes}']);
      expect(live.stdout).toBe('["Ingress"]');
      expectFailures(report, { 'only-needed-connections-out': newPodOut });
    });

    it('a default deny of egress: [] alone', async () => {
      const policies = perWorkload();
      named(policies, 'default-deny-all').spec = { podSelector: {}, egress: [] };
      expectFailures(await gradeWith(policies), { 'only-needed-connections-out': newPodOut });
    });

    it("the db's own egress: [] without policyTypes, behind an ingress-only default deny", async () => {
      const policies = perWorkload();
      named(policies, 'default-deny-all').spec.policyTypes = ['Ingress'];
      delete named(policies, 'db').spec.policyTypes;
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': /^shop\/db-\S+ -> ci-runners\/ci-runner-\S+ on All Connections is allowed.*No NetworkPolicy isolates egress of shop\/db-\S+, so it may send anything\./,
      });
    });
  });

  describe('wrong: a UDP-only rule where TCP is needed', () => {
    it('Redis on UDP, then kubectl patch makes it TCP', async () => {
      const policies = reference();
      named(policies, 'db').spec.ingress = [{ from: [app('api')], ports: [{ protocol: 'UDP', port: 6379 }] }];
      expectFailures(await gradeWith(policies), {
        'api-reaches-db': /is denied, expected allowed: Denied\. shop\/db-\S+ is ingress-isolated by .*shop\/db spec\.ingress\[0\] selects shop\/api-\S+, but only for UDP 6379/,
      });
      await lab.kubectl(['-n', 'shop', 'patch', 'networkpolicy', 'db', '--type=json', '-p', '[{"op": "replace", "path": "/spec/ingress/0/ports/0/protocol", "value": "TCP"}]']);
      expectStatuses(await lab.grade(), fixed);
    });

    it('DNS on UDP 53 only', async () => {
      const policies = reference();
      named(policies, 'allow-dns').spec.egress = [{ to: [coreDnsPeer], ports: [{ protocol: 'UDP', port: 53 }] }];
      expectFailures(await gradeWith(policies), {
        'dns-tcp': /-> kube-system\/coredns:53\/TCP is denied, expected allowed: .*shop\/allow-dns spec\.egress\[0\] selects kube-system\/coredns, but only for UDP 53.*DNS falls back to TCP/,
      });
    });

    it('customers on UDP 8080', async () => {
      const policies = reference();
      named(policies, 'frontend').spec.ingress = [{ ports: [{ protocol: 'UDP', port: 8080 }] }];
      expectFailures(await gradeWith(policies), {
        // UDP 8080 from anywhere is also more than the shop needs.
        'only-needed-connections-in': new RegExp(`^ci-runners/ci-runner-\\S+ -> shop/frontend-\\S+ on UDP 8080 ${notInAllowlist}.*shop/frontend spec\\.ingress\\[0\\] allows UDP 8080`),
        'customers-reach-frontend': /^198\.51\.100\.23 -> shop\/frontend-\S+:8080\/TCP is denied, expected allowed: .*shop\/frontend spec\.ingress\[0\] selects 198\.51\.100\.23, but only for UDP 8080/,
      });
    });
  });

  describe('wrong: a named port the destination does not declare', () => {
    const noSuchPort = (rule: string, destination: string) => new RegExp(`${rule} selects \\S+, but none of its ports exist on ${destination}-?\\S* \\(named ports resolve on the destination pod\\)`);

    it("port: http for the db (the db's port is named redis)", async () => {
      const policies = reference();
      named(policies, 'db').spec.ingress = [{ from: [app('api')], ports: [{ port: 'http' }] }];
      expectFailures(await gradeWith(policies), { 'api-reaches-db': noSuchPort('shop/db spec\\.ingress\\[0\\]', 'shop/db') });
    });

    it("port: dns over TCP (CoreDNS names its TCP port dns-tcp)", async () => {
      const policies = namespacePinned();
      named(policies, 'dns').spec.egress = [{ to: [coreDnsPeer], ports: [{ port: 'dns', protocol: 'UDP' }, { port: 'dns', protocol: 'TCP' }] }];
      // The TCP entry resolves on no port of CoreDNS; only the UDP one opens anything.
      expectFailures(await gradeWith(policies), { 'dns-tcp': /-> kube-system\/coredns:53\/TCP is denied, expected allowed: .*shop\/dns spec\.egress\[0\] selects kube-system\/coredns, but only for UDP 53/ });
    });

    it('port: redis from the frontend to the api', async () => {
      const policies = namespacePinned();
      named(policies, 'frontend-to-api').spec.egress = [{ to: [app('api')], ports: [{ port: 'redis' }] }];
      expectFailures(await gradeWith(policies), { 'frontend-reaches-api': noSuchPort('shop/frontend-to-api spec\\.egress\\[0\\]', 'shop/api') });
    });
  });

  describe('wrong: namespaceSelector and podSelector as two peers (OR) instead of one (AND)', () => {
    it('on the db: any pod of any namespace OR the api', async () => {
      const policies = reference();
      named(policies, 'db').spec.ingress = [{ from: [{ namespaceSelector: {} }, app('api')], ports: [tcp(6379)] }];
      const ciRunnerToDb = new RegExp(`^ci-runners/ci-runner-\\S+ -> shop/db-\\S+ on TCP 6379 ${notInAllowlist}.*shop/db spec\\.ingress\\[0\\] allows TCP 6379 from ci-runners/ci-runner-\\S+\\.$`);
      expectFailures(await gradeWith(policies), { 'only-the-api-reaches-the-db': ciRunnerToDb, 'only-needed-connections-in': ciRunnerToDb });
    });

    it('on DNS: every pod of kube-system OR pods labelled k8s-app=kube-dns', async () => {
      const policies = reference();
      named(policies, 'allow-dns').spec.egress = [{ to: [{ namespaceSelector: coreDnsPeer.namespaceSelector }, { podSelector: coreDnsPeer.podSelector }], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }];
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/api-\\S+ -> kube-system/new-pod-no-labels on TCP 53, UDP 53 ${notInAllowlist}.*shop/allow-dns spec\\.egress\\[0\\] allows`),
      });
    });

    it("on the frontend's egress: any namespace OR the api", async () => {
      const policies = reference();
      named(policies, 'frontend').spec.egress = [{ to: [{ namespaceSelector: {} }, app('api')], ports: [tcp(8080)] }];
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/frontend-\\S+ -> ci-runners/ci-runner-\\S+ on TCP 8080 ${notInAllowlist}.*shop/frontend spec\\.egress\\[0\\] allows TCP 8080`),
      });
    });
  });

  describe('wrong: more than DNS needs', () => {
    it('port 53 to every destination (no to)', async () => {
      const policies = reference();
      named(policies, 'allow-dns').spec.egress = [{ ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }];
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/api-\\S+ -> ci-runners/ci-runner-\\S+ on TCP 53, UDP 53 ${notInAllowlist}`),
      });
    });

    it('port 53 to every pod of kube-system', async () => {
      const policies = reference();
      named(policies, 'allow-dns').spec.egress = [{ to: [{ namespaceSelector: coreDnsPeer.namespaceSelector }], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }];
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/api-\\S+ -> kube-system/new-pod-no-labels on TCP 53, UDP 53 ${notInAllowlist}`),
      });
    });

    it('port 53 to every outside address, the metadata service included', async () => {
      const policies = reference();
      named(policies, 'allow-dns').spec.egress!.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 53 }] });
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-out': new RegExp(`^shop/api-\\S+ -> 203\\.0\\.113\\.10 on UDP 53 ${notInAllowlist}.*shop/allow-dns spec\\.egress\\[1\\] allows UDP 53 to 203\\.0\\.113\\.10\\.`),
      });
    });
  });

  describe('wrong: policies that break the shop', () => {
    it('land in the wrong namespace (isolating the CI runner, selecting nothing in shop)', async () => {
      const report = await gradeWith(reference().map((policy) => ({ ...policy, metadata: { ...policy.metadata, namespace: 'ci-runners' } })));
      expectFailures(report, {
        'only-the-api-reaches-the-db': /No NetworkPolicy isolates ingress of shop\/db-\S+, so it accepts anything\.$/,
        'only-needed-connections-in': /No NetworkPolicy isolates ingress of shop\/\S+, so it accepts anything\.$/,
        'only-needed-connections-out': /No NetworkPolicy isolates egress of shop\/\S+, so it may send anything\./,
      });
    });

    it('deny egress and forget DNS', async () => {
      const report = await gradeWith(reference().filter((policy) => policy.metadata.name !== 'allow-dns'));
      expectFailures(report, {
        'dns-udp': /-> kube-system\/coredns:53\/UDP is denied, expected allowed: Denied\. shop\/\S+ is egress-isolated by .*none of their egress rules allows UDP 53 to kube-system\/coredns/,
        'dns-tcp': /allows TCP 53 to kube-system\/coredns/,
      });
    });

    it('name the Service port 80 instead of the pod port 8080 for frontend -> api', async () => {
      const policies = reference();
      named(policies, 'frontend').spec.egress = [{ to: [app('api')], ports: [tcp(80)] }];
      named(policies, 'api').spec.ingress = [{ from: [app('frontend')], ports: [tcp(80)] }];
      const port80 = new RegExp(`^shop/frontend-\\S+ -> shop/api-\\S+ on TCP 80 ${notInAllowlist}\\.`);
      expectFailures(await gradeWith(policies), {
        'only-needed-connections-in': port80,
        'only-needed-connections-out': port80,
        'frontend-reaches-api': /shop\/frontend spec\.egress\[0\] selects shop\/api-\S+, but only for TCP 80/,
      });
    });

    it('shut the customers out with the default deny', async () => {
      const policies = reference();
      // Copied from the api's policy: isolated ingress, but no rule for the customers.
      delete named(policies, 'frontend').spec.ingress;
      expectFailures(await gradeWith(policies), {
        'customers-reach-frontend':
          /^198\.51\.100\.23 -> shop\/frontend-\S+:8080\/TCP is denied, expected allowed: Denied\. shop\/frontend-\S+ is ingress-isolated by .*none of their ingress rules allows TCP 8080 from 198\.51\.100\.23\. A default deny that takes the storefront offline is not a fix; customers from any address must still reach the frontend\.$/,
      });
    });
  });

  describe('wrong: deleting the db', () => {
    const noDb = /^no live pod: nothing matches pods app=db in shop \(deleting or scaling the workload to zero is not a fix\)/;
    const dbGone = async () => {
      await expect.poll(async () => (await lab.kubectl(['-n', 'shop', 'get', 'pods', '-l', 'app=db', '-o', 'name'])).stdout.trim(), { timeout: 30_000 }).toBe('');
      return lab.grade();
    };
    // Start again re-applies the setup (and waits for it), bringing the db back for the next case.
    const restore = () => lab.start();

    it('kubectl delete deployment db, with the reference policies', async () => {
      await applyPolicies(reference());
      await lab.kubectl(['-n', 'shop', 'delete', 'deployment', 'db']);
      const report = await dbGone();
      await restore();
      expectFailures(report, { 'only-the-api-reaches-the-db': noDb, 'api-reaches-db': /^no destination pod: nothing matches pods app=db in shop.*not a fix/ });
    });

    it('kubectl scale deployment db --replicas=0, with per-workload policies', async () => {
      await applyPolicies(perWorkload());
      await lab.kubectl(['-n', 'shop', 'scale', 'deployment', 'db', '--replicas=0']);
      const report = await dbGone();
      await restore();
      expectFailures(report, { 'only-the-api-reaches-the-db': noDb, 'api-reaches-db': /not a fix/ });
    });

    it('deleting the db instead of writing any policy', async () => {
      await lab.kubectl(['-n', 'shop', 'delete', 'deployment', 'db']);
      const report = await dbGone();
      await restore();
      expectStatuses(report, { ...vulnerable, 'only-the-api-reaches-the-db': 'fail', 'api-reaches-db': 'fail' });
      expect(messageOf(report, 'only-the-api-reaches-the-db')).toMatch(noDb);
    });
  });
});
