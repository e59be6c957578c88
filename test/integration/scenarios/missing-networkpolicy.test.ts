import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { CheckStatus } from '../../../src/grading/types.js';
import { describeWithPlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/** Every check as the setup leaves it: the network is flat, so the shop works and the attack too. */
const vulnerable: Record<string, CheckStatus> = {
  'ci-cannot-reach-db': 'fail',
  'frontend-cannot-reach-db': 'fail',
  'new-pod-no-ingress': 'fail',
  'new-pod-no-egress': 'fail',
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
  'ci-cannot-reach-db': 'pass',
  'frontend-cannot-reach-db': 'pass',
  'new-pod-no-ingress': 'pass',
  'new-pod-no-egress': 'pass',
};

type Policy = {
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown> & { ingress?: Record<string, unknown>[]; egress?: Record<string, unknown>[] };
};

const fixtures = join(import.meta.dirname, '../../fixtures/scenarios/missing-networkpolicy');

describeWithPlane('scenario missing-networkpolicy on the test plane', () => {
  const lab = useScenario('missing-networkpolicy');

  /** The reference solution's policies, fresh for each wrong fix to change one thing in. */
  const reference = (): Policy[] =>
    parseAllDocuments(readFileSync(join(lab.scenario.dir, 'solution/networkpolicies.yaml'), 'utf8')).map((doc) => doc.toJSON() as Policy);
  const named = (policies: Policy[], name: string): Policy => {
    const policy = policies.find((candidate) => candidate.metadata.name === name);
    if (!policy) throw new Error(`no policy ${name} in the reference solution`);
    return policy;
  };
  const applyPolicies = (policies: Policy[]) =>
    lab.apply(policies.map((policy) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...policy })).join('\n---\n'));

  // Pods stay as the setup made them; only policies change between cases, so removing them
  // returns the scenario to its start without a full reset.
  beforeEach(async () => {
    for (const namespace of ['shop', 'ci-runners']) await lab.kubectl(['-n', namespace, 'delete', 'networkpolicy', '--all']);
  });

  it('starts vulnerable: every fix check fails, the guards pass, live probes are skipped', async () => {
    await lab.reset();
    const report = await lab.grade();
    expectStatuses(report, vulnerable);
    expect(messageOf(report, 'ci-cannot-reach-db')).toMatch(
      /^ci-runners\/ci-runner-\S+ -> shop\/db-\S+:6379\/TCP is allowed, expected denied: Allowed\. No NetworkPolicy isolates egress of ci-runners\/ci-runner-\S+, so it may send anything\. No NetworkPolicy isolates ingress of shop\/db-\S+, so it accepts anything\.$/,
    );
    expect(messageOf(report, 'new-pod-no-egress')).toContain('No NetworkPolicy isolates egress of shop/new-service');
  });

  it('passes with the reference solution', async () => {
    await lab.solve();
    expectStatuses(await lab.grade(), fixed);
  });

  it('passes by following the hint ladder: each check\'s command rung, applied as printed', async () => {
    // The heredoc manifests of the "command" rungs, in check order, the order `hint` reveals them.
    const manifests = lab.scenario.checks.flatMap((check) => {
      const heredoc = 'hints' in check ? check.hints.command.match(/<<'EOF'\n([\s\S]*?)\nEOF/)?.[1] : undefined;
      return heredoc ? [heredoc] : [];
    });
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    for (const manifest of manifests) await lab.apply(manifest);
    expectStatuses(await lab.grade(), fixed);
  });

  it('passes with per-workload policies (DNS inside each app policy), applied with kubectl apply', async () => {
    await lab.kubectl(['apply', '-f', join(fixtures, 'per-workload-policies.yaml')]);
    expectStatuses(await lab.grade(), fixed);
  });

  it('passes with namespace-pinned peers, named ports and per-direction default deny, applied with kubectl create', async () => {
    await lab.kubectl(['create', '-f', join(fixtures, 'namespace-pinned-named-ports.yaml')]);
    expectStatuses(await lab.grade(), fixed);
  });

  it('fails a Redis rule for UDP, then passes once kubectl patch makes it TCP', async () => {
    const policies = reference();
    const db = named(policies, 'db');
    db.spec.ingress = [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'UDP', port: 6379 }] }];
    await applyPolicies(policies);

    let report = await lab.grade();
    expectStatuses(report, { ...fixed, 'api-reaches-db': 'fail' });
    expect(messageOf(report, 'api-reaches-db')).toMatch(/is denied, expected allowed: Denied\. shop\/db-\S+ is ingress-isolated by .*shop\/db spec\.ingress\[0\] selects shop\/api-\S+, but only for UDP 6379/);

    await lab.kubectl(['-n', 'shop', 'patch', 'networkpolicy', 'db', '--type=json', '-p', '[{"op": "replace", "path": "/spec/ingress/0/ports/0/protocol", "value": "TCP"}]']);
    report = await lab.grade();
    expectStatuses(report, fixed);
  });

  it('fails when the policies land in the wrong namespace', async () => {
    // Written for the shop but applied in ci-runners: they isolate the CI runner and select nothing in shop.
    await applyPolicies(reference().map((policy) => ({ ...policy, metadata: { ...policy.metadata, namespace: 'ci-runners' } })));

    const report = await lab.grade();
    expectStatuses(report, { ...fixed, 'frontend-cannot-reach-db': 'fail', 'new-pod-no-egress': 'fail' });
    expect(messageOf(report, 'frontend-cannot-reach-db')).toMatch(/No NetworkPolicy isolates ingress of shop\/db-\S+, so it accepts anything\.$/);
    expect(messageOf(report, 'new-pod-no-egress')).toContain('No NetworkPolicy isolates egress of shop/new-service, so it may send anything.');
  });

  it('fails a default deny written as egress: [] without policyTypes (it isolates ingress only)', async () => {
    const policies = parseAllDocuments(readFileSync(join(fixtures, 'per-workload-policies.yaml'), 'utf8')).map((doc) => doc.toJSON() as Policy);
    named(policies, 'default-deny-all').spec = { podSelector: {}, ingress: [], egress: [] };
    await applyPolicies(policies);

    // The API server defaulted policyTypes to [Ingress]: the live object says so.
    const live = await lab.kubectl(['-n', 'shop', 'get', 'networkpolicy', 'default-deny-all', '-o', 'jsonpath={.spec.policyTypes}']);
    expect(live.stdout).toBe('["Ingress"]');
    const report = await lab.grade();
    expectStatuses(report, { ...fixed, 'new-pod-no-egress': 'fail' });
    expect(messageOf(report, 'new-pod-no-egress')).toContain('No NetworkPolicy isolates egress of shop/new-service, so it may send anything.');
  });

  it('fails a db rule whose namespaceSelector and podSelector are two peers (OR) instead of one (AND)', async () => {
    const policies = reference();
    // One dash too many: "any pod in any namespace" OR "api pods in shop".
    named(policies, 'db').spec.ingress = [
      { from: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ];
    await applyPolicies(policies);

    const report = await lab.grade();
    expectStatuses(report, { ...fixed, 'ci-cannot-reach-db': 'fail' });
    expect(messageOf(report, 'ci-cannot-reach-db')).toMatch(/is allowed, expected denied: .*shop\/db spec\.ingress\[0\] allows TCP 6379 from ci-runners\/ci-runner-\S+\.$/);
  });

  it('fails the DNS guards when egress is denied and DNS forgotten', async () => {
    await applyPolicies(reference().filter((policy) => policy.metadata.name !== 'allow-dns'));

    const report = await lab.grade();
    expectStatuses(report, { ...fixed, 'dns-udp': 'fail', 'dns-tcp': 'fail' });
    expect(messageOf(report, 'dns-udp')).toMatch(/-> kube-system\/coredns:53\/UDP is denied, expected allowed: Denied\. shop\/\S+ is egress-isolated by .*none of their egress rules allows UDP 53 to kube-system\/coredns/);
    expect(messageOf(report, 'dns-tcp')).toContain('allows TCP 53 to kube-system/coredns');
  });

  it('fails frontend -> api when the rules name the Service port 80 instead of the pod port 8080', async () => {
    const policies = reference();
    named(policies, 'frontend').spec.egress = [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 80 }] }];
    named(policies, 'api').spec.ingress = [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 80 }] }];
    await applyPolicies(policies);

    const report = await lab.grade();
    expectStatuses(report, { ...fixed, 'frontend-reaches-api': 'fail' });
    const message = messageOf(report, 'frontend-reaches-api');
    expect(message).toContain('shop/frontend spec.egress[0] selects shop/api-');
    expect(message).toContain('but only for TCP 80');
  });

  it('fails the storefront guard when the default deny shuts the customers out', async () => {
    const policies = reference();
    // Copied from the api's policy: isolated ingress, but no rule for the customers.
    delete named(policies, 'frontend').spec.ingress;
    await applyPolicies(policies);

    const report = await lab.grade();
    expectStatuses(report, { ...fixed, 'customers-reach-frontend': 'fail' });
    expect(messageOf(report, 'customers-reach-frontend')).toMatch(
      /^198\.51\.100\.23 -> shop\/frontend-\S+:8080\/TCP is denied, expected allowed: Denied\. shop\/frontend-\S+ is ingress-isolated by .*none of their ingress rules allows TCP 8080 from 198\.51\.100\.23\. A default deny that takes the storefront offline is not a fix; customers from any address must still reach the frontend\.$/,
    );
  });
});
