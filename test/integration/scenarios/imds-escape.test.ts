import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { GradeReport } from '../../../src/grading/types.js';
import { applyImdsFlags } from '../../../src/lifecycle/imds-flags.js';
import { AcquirerProcess } from '../../labs/acquirer/acquirer-harness.js';
import { ImdsProcess, SettingsDir, imdsRequest, python3Available, skipWithoutIt, useLocalImds } from '../../labs/imds/imds-harness.js';
import { describeWithPlane, requirePlane } from '../setup/plane.js';
import { expectStatuses, messageOf, useScenario } from './harness.js';

/**
 * imds-escape on the test plane: the grader's verdicts on the vulnerable start,
 * the reference solution, other valid fixes and plausible wrong ones, each
 * applied with kubectl as a learner would. The runtime probes (the attack
 * replayed in the pod, the relay's health check) need a container runtime and
 * are proven on kind; here they must report `skipped`, never pass.
 */
describeWithPlane('scenario imds-escape on the test plane', () => {
  const lab = useScenario('imds-escape');
  const skipped = { 'attack-gets-no-credentials': 'skipped', 'relay-healthy': 'skipped', 'relay-reaches-acquirer': 'skipped', 'node-imds-applies-settings': 'skipped' } as const;
  const guardsPass = {
    'relay-keeps-running': 'pass',
    'dns-udp-allowed': 'pass',
    'dns-tcp-allowed': 'pass',
    'acquirer-reachable': 'pass',
    'node-keeps-imds': 'pass',
    'emulator-on-every-node': 'pass',
  } as const;
  const fixed = { 'credentials-out-of-reach': 'pass', ...skipped, ...guardsPass } as const;

  const patchImdsSettings = (data: Record<string, string>) =>
    lab.kubectl(['-n', 'k8s-sec-lab-system', 'patch', 'configmap', 'imds-settings', '--type', 'merge', '-p', JSON.stringify({ data })]);
  const applyPolicy = (name: string, spec: object, namespace = 'payments') =>
    lab.apply(stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec }));
  const relay = { matchLabels: { app: 'webhook-relay' } };
  const dnsRule = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ],
  };
  const allButImds = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] };

  // The metadata service's options: `start` re-applies the add-on, which returns them to the
  // vulnerable defaults (that is what reset relies on), so these cases need no namespace reset.
  describe('the metadata service options', () => {
    beforeAll(() => lab.reset());
    beforeEach(async () => {
      await lab.start();
      const settings = await lab.kubectl(['-n', 'k8s-sec-lab-system', 'get', 'configmap', 'imds-settings', '-o', 'jsonpath={.data}']);
      expect(JSON.parse(settings.stdout)).toMatchObject({ 'http-tokens': 'optional', 'http-put-response-hop-limit': '2', 'http-endpoint': 'enabled' });
    });

    it('starts vulnerable: the relay reaches 169.254.169.254 and the metadata service serves IMDSv1; the relay works', async () => {
      const report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass });
      const message = messageOf(report, 'credentials-out-of-reach');
      expect(message).toContain('No NetworkPolicy isolates egress of payments/webhook-relay-');
      expect(message).toContain('http-tokens is optional: a plain GET without a token still works (IMDSv1)');
      expect(report.status).toBe('fail');
    });

    it('passes with IMDSv2 required and hop limit 1, set on the metadata service (no NetworkPolicy at all)', async () => {
      await patchImdsSettings({ 'http-tokens': 'required', 'http-put-response-hop-limit': '1' });
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'credentials-out-of-reach')).toContain('The metadata service requires IMDSv2 tokens with a hop limit of 1');
    });

    it('fails tokens required with the hop limit left at 2, and says the hop limit is the gap', async () => {
      await patchImdsSettings({ 'http-tokens': 'required' });
      const report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass });
      const message = messageOf(report, 'credentials-out-of-reach');
      expect(message).toContain('the hop limit is 2: a token still reaches pods, which are one hop further than the node');
      expect(message).not.toContain('http-tokens is');
    });

    it('fails hop limit 1 with tokens still optional, and says IMDSv1 still works', async () => {
      await patchImdsSettings({ 'http-put-response-hop-limit': '1' });
      const report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass });
      expect(messageOf(report, 'credentials-out-of-reach')).toContain('http-tokens is optional: a plain GET without a token still works (IMDSv1), whatever the hop limit');
    });

    it('fails switching the metadata service off: the node needs it', async () => {
      await patchImdsSettings({ 'http-endpoint': 'disabled' });
      const report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass, 'node-keeps-imds': 'fail' });
      expect(messageOf(report, 'node-keeps-imds')).toContain('http-endpoint is disabled: switching the metadata service off is not the fix, the node itself needs it');
      expect(messageOf(report, 'node-keeps-imds')).toContain("The node's own agents use IMDS");
    });
  });

  // How the emulator reads its settings (labs/addons/imds/server.py): surrounding ASCII whitespace trimmed,
  // values exact, a hop limit of one or two digits. The grader must read them the same way.
  describe('the metadata service options, read as the emulator reads them', () => {
    beforeAll(() => lab.reset());
    beforeEach(() => lab.start());
    const replaceSettingsFromFiles = async (files: Record<string, string>) => {
      const dir = await mkdtemp(join(tmpdir(), 'imds-settings-'));
      for (const [name, value] of Object.entries(files)) await writeFile(join(dir, name), value);
      const rendered = await lab.kubectl(['-n', 'k8s-sec-lab-system', 'create', 'configmap', 'imds-settings', `--from-file=${dir}`, '--dry-run=client', '-o', 'yaml']);
      await lab.kubectl(['replace', '-f', '-'], { input: rendered.stdout });
      await rm(dir, { recursive: true, force: true });
    };

    it('passes settings written with kubectl create configmap --from-file, which end in a newline', async () => {
      await replaceSettingsFromFiles({ 'http-tokens': 'required\n', 'http-put-response-hop-limit': '1\n', 'http-endpoint': 'enabled\n' });
      const stored = await lab.kubectl(['-n', 'k8s-sec-lab-system', 'get', 'configmap', 'imds-settings', '-o', 'json']);
      expect((JSON.parse(stored.stdout) as { data: Record<string, string> }).data['http-tokens']).toBe('required\n');
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'credentials-out-of-reach')).toContain('the emulator applies http-tokens=required, hop limit 1, http-endpoint=enabled (written: http-tokens="required\\n"');
    });

    it('passes Windows line endings and blanks around the values, and a hop limit written 01', async () => {
      const spellings: Record<string, string>[] = [
        { 'http-tokens': 'required\r\n', 'http-put-response-hop-limit': ' 1\t' },
        { 'http-tokens': 'required', 'http-put-response-hop-limit': '01' },
        { 'http-tokens': '  required  ', 'http-put-response-hop-limit': '1', 'http-endpoint': 'enabled\r\n' },
      ];
      for (const data of spellings) {
        await patchImdsSettings(data);
        expectStatuses(await lab.grade(), fixed);
      }
    });

    it('fails values the emulator refuses (it then answers 500 to everyone, the node too), naming the value', async () => {
      const refused: [Record<string, string>, string][] = [
        [{ 'http-tokens': 'Required', 'http-put-response-hop-limit': '1' }, 'http-tokens is "Required", expected optional or required'],
        [{ 'http-tokens': 'requird', 'http-put-response-hop-limit': '1' }, 'http-tokens is "requird"'],
        [{ 'http-tokens': 'required', 'http-put-response-hop-limit': '0' }, 'http-put-response-hop-limit is "0", expected an integer from 1 to 64'],
        [{ 'http-tokens': 'required\u00a0', 'http-put-response-hop-limit': '1' }, 'http-tokens is "required\u00a0"'],
      ];
      for (const [data, gap] of refused) {
        await patchImdsSettings({ 'http-endpoint': 'enabled', ...data });
        const report = await lab.grade();
        expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass, 'node-keeps-imds': 'fail' });
        expect(messageOf(report, 'node-keeps-imds')).toContain(`the emulator refuses its settings: ${gap}`);
        expect(messageOf(report, 'node-keeps-imds')).toContain('switches the metadata service off instead of fixing it');
      }
    });

    it('fails deleting the settings, deleting the emulator, or keeping it off some nodes', async () => {
      await lab.kubectl(['-n', 'k8s-sec-lab-system', 'delete', 'configmap', 'imds-settings']);
      let report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass, 'node-keeps-imds': 'fail' });
      expect(messageOf(report, 'node-keeps-imds')).toContain('ConfigMap k8s-sec-lab-system/imds-settings is gone');
      await lab.start();

      await lab.kubectl(['-n', 'k8s-sec-lab-system', 'patch', 'daemonset', 'imds-emulator', '--type', 'merge', '-p', JSON.stringify({ spec: { template: { spec: { nodeSelector: { 'node-role.kubernetes.io/control-plane': '' } } } } })]);
      report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass, 'emulator-on-every-node': 'fail' });
      expect(messageOf(report, 'emulator-on-every-node')).toContain('spec.template.spec.nodeSelector');
      await lab.start();

      await patchImdsSettings({ 'http-tokens': 'required', 'http-put-response-hop-limit': '1' });
      await lab.kubectl(['-n', 'k8s-sec-lab-system', 'delete', 'daemonset', 'imds-emulator']);
      report = await lab.grade();
      expectStatuses(report, { ...fixed, 'emulator-on-every-node': 'fail' });
      expect(messageOf(report, 'emulator-on-every-node')).toContain('DaemonSet k8s-sec-lab-system/imds-emulator does not exist');
      expect(messageOf(report, 'emulator-on-every-node')).toContain('Deleting or narrowing the metadata service takes it from the node too');
    });
  });

  // Egress policies: every case starts from a reset scenario (no policies, one relay pod).
  describe('egress NetworkPolicies', () => {
    beforeEach(() => lab.reset());

    it('passes with the reference solution (an egress policy that keeps DNS and the acquirer)', async () => {
      await lab.solve();
      const report = await lab.grade();
      expectStatuses(report, fixed);
      expect(messageOf(report, 'credentials-out-of-reach')).toContain('An egress NetworkPolicy keeps the relay away from 169.254.169.254');
      expect(report.status).toBe('pass');
    });

    it('passes with a tight allowlist: DNS and the acquirer at 203.0.113.10/32:443, nothing else', async () => {
      await applyPolicy('webhook-relay-allowlist', {
        podSelector: relay,
        policyTypes: ['Egress'],
        egress: [dnsRule, { to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ port: 443 }] }],
      });
      expectStatuses(await lab.grade(), fixed);
    });

    it('passes with a namespace-wide default-deny egress plus a separate allow policy for the relay (policies add up)', async () => {
      await applyPolicy('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
      await applyPolicy('webhook-relay-egress', { podSelector: relay, policyTypes: ['Egress'], egress: [dnsRule, allButImds] });
      expectStatuses(await lab.grade(), fixed);
    });

    it('fails `egress: []` without policyTypes: the API server defaults it to Ingress only, so egress stays open', async () => {
      await applyPolicy('webhook-relay-no-egress', { podSelector: relay, egress: [] });
      const live = await lab.kubectl(['-n', 'payments', 'get', 'networkpolicy', 'webhook-relay-no-egress', '-o', 'jsonpath={.spec.policyTypes}']);
      expect(live.stdout).toBe('["Ingress"]');
      const report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass });
      expect(messageOf(report, 'credentials-out-of-reach')).toContain('No NetworkPolicy isolates egress of payments/webhook-relay-');
    });

    it('fails a deny-all egress policy on the guards: the attack stops, and so do DNS and the acquirer', async () => {
      await applyPolicy('deny-all-egress', { podSelector: {}, policyTypes: ['Egress'] });
      const report = await lab.grade();
      expectStatuses(report, {
        ...fixed,
        'dns-udp-allowed': 'fail',
        'dns-tcp-allowed': 'fail',
        'acquirer-reachable': 'fail',
      });
      expect(messageOf(report, 'acquirer-reachable')).toContain('-> 203.0.113.10:443/TCP is denied, expected allowed');
      expect(messageOf(report, 'acquirer-reachable')).toContain('none of its egress rules allows TCP 443 to 203.0.113.10');
      expect(messageOf(report, 'dns-udp-allowed')).toContain('-> kube-system/coredns:53/UDP is denied, expected allowed');
      expect(messageOf(report, 'acquirer-reachable')).toContain('Blocking all egress stops the attack and the business with it');
      expect(report.status).toBe('fail');
    });

    it('fails an ipBlock-only policy that forgot DNS, and explains why 0.0.0.0/0 does not count for CoreDNS', async () => {
      await applyPolicy('webhook-relay-egress', { podSelector: relay, policyTypes: ['Egress'], egress: [allButImds] });
      const report = await lab.grade();
      expectStatuses(report, { ...fixed, 'dns-udp-allowed': 'fail', 'dns-tcp-allowed': 'fail' });
      expect(messageOf(report, 'dns-udp-allowed')).toContain('is egress-isolated by payments/webhook-relay-egress, and none of its egress rules allows UDP 53 to kube-system/coredns');
      expect(messageOf(report, 'dns-udp-allowed')).toContain('An ipBlock like 0.0.0.0/0 is meant for addresses outside the cluster');
    });

    it('fails a DNS rule for UDP only on the TCP guard, naming the UDP-only rule', async () => {
      const udpOnly = { ...dnsRule, ports: [{ port: 53, protocol: 'UDP' }] };
      await applyPolicy('webhook-relay-egress', { podSelector: relay, policyTypes: ['Egress'], egress: [udpOnly, allButImds] });
      const report = await lab.grade();
      expectStatuses(report, { ...fixed, 'dns-tcp-allowed': 'fail' });
      expect(messageOf(report, 'dns-tcp-allowed')).toContain('selects kube-system/coredns, but only for UDP 53');
      expect(messageOf(report, 'dns-tcp-allowed')).toContain('A rule with only `protocol: UDP` does not admit TCP');
    });

    it('fails a correct policy that selects the wrong pods, or sits in the wrong namespace', async () => {
      await applyPolicy('webhook-egress', { podSelector: { matchLabels: { app: 'webhook' } }, policyTypes: ['Egress'], egress: [dnsRule, allButImds] });
      await lab.kubectl(['create', 'namespace', 'payments-ops']);
      try {
        await applyPolicy('webhook-relay-egress', { podSelector: relay, policyTypes: ['Egress'], egress: [dnsRule, allButImds] }, 'payments-ops');
        const report = await lab.grade();
        expectStatuses(report, { 'credentials-out-of-reach': 'fail', ...skipped, ...guardsPass });
        expect(messageOf(report, 'credentials-out-of-reach')).toContain('No NetworkPolicy isolates egress of payments/webhook-relay-');
      } finally {
        await lab.kubectl(['delete', 'namespace', 'payments-ops', '--wait=false']);
      }
    });

    it('fails deleting the payments namespace: the scenario is started, so that is a cheat, not "start it first"', async () => {
      await lab.kubectl(['delete', 'namespace', 'payments', '--wait=false']);
      const report = await lab.grade();
      expectStatuses(report, { 'credentials-out-of-reach': 'fail', 'relay-keeps-running': 'fail', 'dns-udp-allowed': 'fail', 'acquirer-reachable': 'fail', 'node-keeps-imds': 'pass' });
      expect(messageOf(report, 'relay-keeps-running')).toContain('namespace "payments" is gone, but the scenario is started: deleting namespace payments is not a fix');
      expect(report.checks.filter((check) => check.status === 'error')).toEqual([]);
    });

    it('fails scaling the relay to zero: no pods to attack is not a fix', async () => {
      await lab.kubectl(['-n', 'payments', 'scale', 'deployment', 'webhook-relay', '--replicas=0']);
      let report: GradeReport | undefined;
      await expect
        .poll(async () => (report = await lab.grade()).checks.find((check) => check.id === 'relay-keeps-running')?.status, { timeout: 20_000, interval: 500 })
        .toBe('fail');
      expect(messageOf(report!, 'relay-keeps-running')).toContain('status.availableReplicas is not set, expected at least 1 available replica: deleting the relay or scaling it to zero is not a fix');
      expect(messageOf(report!, 'relay-keeps-running')).toContain('bring the relay back');
      expect(messageOf(report!, 'acquirer-reachable')).toContain('deleting or scaling the workload to zero is not a fix');
      expect(report!.status).toBe('fail');
    });
  });

  // The emulator's flag source against this plane: server.py on 127.0.0.1 with the add-on's own
  // service account (its shipped RBAC), as the DaemonSet runs it with a projected token.
  describe.skipIf(skipWithoutIt(python3Available(), 'imds-escape flag tests: python3 is not on PATH'))('the attack flag in the node role\'s Token', () => {
    const credentialsPath = '/latest/meta-data/iam/security-credentials/k8s-sec-lab-node-role';
    let dir: string;
    let settings: SettingsDir;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'imds-flags-'));
      settings = await SettingsDir.create();
      await writeFile(join(dir, 'ca.crt'), requirePlane().ca);
      return async () => {
        await settings.remove();
        await rm(dir, { recursive: true, force: true });
      };
    });

    async function emulatorAs(serviceAccount: string): Promise<ImdsProcess> {
      const token = (await lab.kubectl(['-n', 'k8s-sec-lab-system', 'create', 'token', serviceAccount, '--duration=10m'])).stdout.trim();
      await writeFile(join(dir, `${serviceAccount}.token`), token);
      return ImdsProcess.start({
        bind: '127.0.0.1',
        port: 0,
        settingsDir: settings.path,
        extraArgs: ['--flags-configmap', 'k8s-sec-lab-system/imds-flags', '--kube-api', requirePlane().server, '--kube-token-file', join(dir, `${serviceAccount}.token`), '--kube-ca-file', join(dir, 'ca.crt')],
      });
    }
    const sessionToken = async (server: ImdsProcess) => {
      const response = await imdsRequest(server.port, 'GET', credentialsPath);
      expect(response.status).toBe(200);
      return (JSON.parse(response.body) as { Token: string }).Token;
    };

    it('serves the flag start planted at the end of the Token, and the new one at once after reset', async () => {
      const planted = (await lab.start()).get('node-credentials');
      expect(planted).toMatch(/^K8SLAB\{[0-9a-f]{24}\}$/);
      const server = await emulatorAs('imds-emulator');
      try {
        const token = await sessionToken(server);
        expect(token).toMatch(/^FAKE-k8s-sec-lab-session-token-for-training-only-.*-EXAMPLE-K8SLAB\{[0-9a-f]{24}\}$/);
        expect(token.endsWith(`-${planted!}`)).toBe(true);
        // Only the credentials carry it.
        expect((await imdsRequest(server.port, 'GET', '/latest/meta-data/iam/info')).body).not.toContain('K8SLAB');

        const fresh = (await lab.reset()).get('node-credentials');
        expect(fresh).not.toBe(planted);
        const after = await sessionToken(server);
        expect(after.endsWith(`-${fresh!}`)).toBe(true);
        expect(after).not.toContain(planted!);
      } finally {
        await server.stop();
      }
    });

    it('keeps each scenario\'s flags apart: another scenario plants and removes its own, this one stays', async () => {
      const planted = (await lab.start()).get('node-credentials')!;
      const other = { id: 'eks-pod-identity', flags: [{ id: 'node-role', plantedBy: 'imds' }] };
      const otherValue = 'K8SLAB{0123456789abcdef01234567}';
      const server = await emulatorAs('imds-emulator');
      try {
        await applyImdsFlags(lab.client, other, new Map([['node-role', otherValue]]));
        // Keys in order: eks-pod-identity.node-role, then imds-escape.node-credentials.
        expect(await sessionToken(server)).toMatch(new RegExp(`-${otherValue.replace(/[{}]/g, '\\$&')}-${planted.replace(/[{}]/g, '\\$&')}$`));
        await applyImdsFlags(lab.client, other, new Map());
        const token = await sessionToken(server);
        expect(token).not.toContain(otherValue);
        expect(token.endsWith(`-${planted}`)).toBe(true);
      } finally {
        await server.stop();
      }
    });

    it('still serves the credentials, without a flag and with a flags-error line, to an emulator that may not read the flags', async () => {
      await lab.start();
      await lab.kubectl(['-n', 'k8s-sec-lab-system', 'create', 'serviceaccount', 'no-flag-rights', '--dry-run=client', '-o', 'yaml']).then(({ stdout }) => lab.apply(stdout));
      const server = await emulatorAs('no-flag-rights');
      try {
        const since = server.mark();
        const token = await sessionToken(server);
        expect(token).not.toContain('K8SLAB');
        expect(await server.waitFor((entry) => entry.event === 'flags-error', since)).toMatchObject({ message: expect.stringContaining('403') });
      } finally {
        await server.stop();
      }
    });
  });
});

/**
 * The two runtime probes run only on kind, where a wrong probe would pass or fail
 * silently. Here they run for real against the add-on's own emulator and the relay's
 * own code on 127.0.0.1, judged by the expectations written in scenario.yaml: the
 * attack probe must see credentials in every state that leaks them to a pod, and the
 * relay's health check must answer what the guard looks for.
 */
const scenarioDir = fileURLToPath(new URL('../../../scenarios/imds-escape/', import.meta.url));

interface ProbeSpec {
  id: string;
  command: string[];
  expect: { exitCode?: 'zero' | 'nonzero'; stdoutContains?: string; stdoutExcludes?: string };
}

/** The runtime-probe rule: every stated expectation must hold. */
function probePasses(expect: ProbeSpec['expect'], result: { exitCode: number; stdout: string }): boolean {
  return (
    (expect.exitCode !== 'zero' || result.exitCode === 0) &&
    (expect.exitCode !== 'nonzero' || result.exitCode !== 0) &&
    (expect.stdoutContains === undefined || result.stdout.includes(expect.stdoutContains)) &&
    (expect.stdoutExcludes === undefined || !result.stdout.includes(expect.stdoutExcludes))
  );
}

async function probe(id: string): Promise<ProbeSpec> {
  const spec = parse(await readFile(`${scenarioDir}scenario.yaml`, 'utf8')) as { checks: ProbeSpec[] };
  const found = spec.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id} in scenarios/imds-escape/scenario.yaml`);
  return found;
}

describe.skipIf(skipWithoutIt(python3Available(), 'imds-escape probe tests: python3 is not on PATH'))('imds-escape probes, run with python3 on 127.0.0.1', () => {
  describe('the attack replay (attack-gets-no-credentials) against the IMDS emulator', () => {
    const imds = useLocalImds();
    let attack: ProbeSpec;

    beforeAll(async () => {
      attack = await probe('attack-gets-no-credentials');
    });

    /** The probe's own script, aimed at the local emulator instead of 169.254.169.254. */
    const replay = async (port: number) => {
      const [command, ...args] = attack.command.map((part) => part.replaceAll('http://169.254.169.254', `http://127.0.0.1:${port}`));
      const result = await execa(command!, args, { reject: false, timeout: 20_000 });
      return { exitCode: result.exitCode ?? -1, stdout: result.stdout };
    };

    it('finds the credentials over IMDSv1 while tokens are optional, so the check fails', async () => {
      const result = await replay(imds.server.port);
      expect(result.stdout).toMatch(/^IMDSv1: \{/);
      expect(result.stdout).toContain('"AccessKeyId" : "ASIAFAKEK8SSECLABEXAMPLE"');
      expect(probePasses(attack.expect, result)).toBe(false);
    });

    it('still finds them over IMDSv2 when tokens are required but the token reaches the pod (hop limit 2), so the check fails', async () => {
      // Locally every reply arrives, as a token does in a pod at hop limit 2.
      await imds.settings.write({ 'http-tokens': 'required' });
      const result = await replay(imds.server.port);
      expect(result.stdout).toContain('IMDSv1: no credentials: HTTP Error 401: Unauthorized');
      expect(result.stdout).toMatch(/IMDSv2: \{[^]*"AccessKeyId"/);
      expect(probePasses(attack.expect, result)).toBe(false);
    });

    it('passes when no credentials come back: the service refuses (403) or nothing answers', async () => {
      await imds.settings.write({ 'http-endpoint': 'disabled' });
      const refused = await replay(imds.server.port);
      expect(refused.stdout).toContain('IMDSv1: no credentials: HTTP Error 403: Forbidden');
      expect(refused.stdout).toContain('IMDSv2: no token: HTTP Error 403: Forbidden');
      expect(probePasses(attack.expect, refused)).toBe(true);

      const closed = await ImdsProcess.start({ bind: '127.0.0.1', port: 0, settingsDir: imds.settings.path });
      const closedPort = closed.port;
      await closed.stop();
      const unreachable = await replay(closedPort);
      expect(unreachable.stdout).toContain('IMDSv1: no credentials:');
      expect(probePasses(attack.expect, unreachable)).toBe(true);
    });

    it('does not pass when the probe cannot run at all', () => {
      expect(probePasses(attack.expect, { exitCode: 127, stdout: '' })).toBe(false);
    });
  });

  describe('the acquirer guard (relay-reaches-acquirer) against the acquirer add-on\'s server', () => {
    /** The probe's own script, aimed at a local address instead of 203.0.113.10:443. */
    const replay = async (spec: ProbeSpec, port: number) => {
      const [command, ...args] = spec.command.map((part) => part.replaceAll('https://203.0.113.10/', `https://127.0.0.1:${port}/`));
      const result = await execa(command!, args, { reject: false, timeout: 20_000 });
      return { exitCode: result.exitCode ?? -1, stdout: result.stdout };
    };

    it('passes on the acquirer\'s own answer, and fails when nothing answers (what a default-deny egress leaves the relay)', async () => {
      const guard = await probe('relay-reaches-acquirer');
      expect(guard.command.join(' ')).toContain('https://203.0.113.10/v1/health');
      const acquirer = await AcquirerProcess.start();
      const port = acquirer.port;
      try {
        const answered = await replay(guard, port);
        expect(answered.stdout).toMatch(/^acquirer: \{"service": "k8s-sec-lab-acquirer", "status": "ok"/);
        expect(probePasses(guard.expect, answered)).toBe(true);
      } finally {
        await acquirer.stop();
      }
      const refused = await replay(guard, port);
      expect(refused.stdout).toContain('acquirer unreachable:');
      expect(probePasses(guard.expect, refused)).toBe(false);
      expect(probePasses(guard.expect, { exitCode: 127, stdout: '' })).toBe(false);
    });

    it('does not pass on another HTTPS server at the address', async () => {
      const guard = await probe('relay-reaches-acquirer');
      expect(probePasses(guard.expect, { exitCode: 0, stdout: 'acquirer: {"status": "ok"}' })).toBe(false);
    });
  });

  describe("the relay's health check (relay-healthy)", () => {
    const runRelay = async (env: Record<string, string>) => {
      const [configMap] = parseAllDocuments(await readFile(`${scenarioDir}setup/10-webhook-relay.yaml`, 'utf8')).map((document) => document.toJS());
      const code = (configMap as { data: Record<string, string> }).data['relay.py']!;
      const child = spawn('python3', ['-c', code], { env: { ...process.env, UPSTREAM: '127.0.0.1:9', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      // The relay logs one JSON object per line; the first says where it listens.
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`relay.py exited with ${code}`)));
      });
      const { event, port } = JSON.parse(first) as { event: string; port: number };
      expect(event).toBe('listening');
      return { port, stop: () => child.kill('SIGTERM') };
    };

    it('answers what the guard looks for while DNS resolves, and 503 (a failing busybox wget) when it does not', async () => {
      const guard = await probe('relay-healthy');
      const healthy = await runRelay({ DNS_CHECK_NAME: 'localhost' });
      try {
        const response = await fetch(`http://127.0.0.1:${healthy.port}/healthz`);
        expect(response.status).toBe(200);
        expect(await response.text()).toContain(guard.expect.stdoutContains!);
      } finally {
        healthy.stop();
      }
      const broken = await runRelay({ DNS_CHECK_NAME: 'no-such-name.invalid' });
      try {
        const response = await fetch(`http://127.0.0.1:${broken.port}/healthz`);
        expect(response.status).toBe(503);
        expect(await response.text()).toContain('"dns": "failed:');
      } finally {
        broken.stop();
      }
    });
  });
});
