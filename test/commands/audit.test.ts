import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/commands/audit.js';
import { runCliForTest } from '../helpers/run-cli.js';

const fixture = (name: string) => `test/fixtures/audit/${name}`;

async function auditJson(args: readonly string[], stdin?: string): Promise<{ exitCode: number; report: AuditReport }> {
  const result = await runCliForTest(['audit', ...args, '--json'], stdin === undefined ? {} : { stdin });
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, report: JSON.parse(result.stdout) as AuditReport };
}

describe('k8s-sec-lab audit', () => {
  it('reports each workload with its level, violations and hardening findings as JSON', async () => {
    const { exitCode, report } = await auditJson(['-f', fixture('insecure-deployment.yaml')]);
    expect(exitCode).toBe(1);
    expect(report).toMatchObject({ requiredLevel: 'restricted', pssVersion: 'latest' });
    expect(report.results).toHaveLength(1);
    const [web] = report.results;
    expect(web).toMatchObject({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      source: `${fixture('insecure-deployment.yaml')}:7`,
      meetsLevel: false,
      podSecurity: { level: 'privileged' },
    });
    expect(web!.podSecurity.violations).toContainEqual({
      check: 'privileged',
      level: 'baseline',
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      message: 'container "web" sets privileged=true; allowed: false or unset',
      fix: expect.any(String),
    });
    expect(web!.podSecurity.violations.map((violation) => violation.check)).toEqual(
      expect.arrayContaining(['hostNamespaces', 'allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile_restricted']),
    );
    expect(web!.findings).toContainEqual({
      id: 'secretsInEnv',
      ids: { pss: [], kubescape: ['C-0207'], polaris: [], kubeLinter: ['read-secret-from-env-var'], trivy: [] },
      path: 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef',
      message: expect.stringContaining('"DB_PASSWORD"'),
      fix: expect.any(String),
    });
    expect(web!.findings.map((finding) => finding.id)).toContain('latestTag');
  });

  it('lists unknown kinds as unsupported without failing, and ignores Namespaces and Services', async () => {
    const { report } = await auditJson(['-f', fixture('insecure-deployment.yaml')]);
    expect(report.unsupported).toEqual([
      {
        kind: 'Rollout',
        namespace: 'shop',
        name: 'canary',
        source: `${fixture('insecure-deployment.yaml')}:40`,
        reason: expect.stringContaining('kind Rollout is not a Pod or a known workload'),
      },
    ]);
    expect(report.results.map((result) => result.kind)).toEqual(['Deployment']);
  });

  it('exits 0 when every object meets the level', async () => {
    const { exitCode, report } = await auditJson(['-f', fixture('restricted-pod.yaml')]);
    expect(exitCode).toBe(0);
    expect(report.results).toEqual([
      expect.objectContaining({ kind: 'Pod', meetsLevel: true, podSecurity: { level: 'restricted', violations: [] }, findings: [] }),
    ]);
  });

  it('holds objects to --level: baseline passes a pod that restricted fails', async () => {
    expect((await runCliForTest(['audit', '-f', fixture('baseline-pod.yaml'), '--level', 'baseline'])).exitCode).toBe(0);
    expect((await runCliForTest(['audit', '-f', fixture('baseline-pod.yaml')])).exitCode).toBe(1);
  });

  it('evaluates the policy version given by --pss-version', async () => {
    const latest = await auditJson(['-f', fixture('new-sysctl-pod.yaml'), '--level', 'baseline']);
    const older = await auditJson(['-f', fixture('new-sysctl-pod.yaml'), '--level', 'baseline', '--pss-version', 'v1.36']);
    expect(latest.exitCode).toBe(0);
    expect(older.exitCode).toBe(1);
    expect(older.report.results[0]!.podSecurity.violations[0]).toMatchObject({
      check: 'sysctls',
      path: 'spec.securityContext.sysctls[0].name',
    });
  });

  it('reads manifests from stdin with -f -', async () => {
    const { exitCode, report } = await auditJson(['-f', '-'], readFileSync(fixture('restricted-pod.yaml'), 'utf8'));
    expect(exitCode).toBe(0);
    expect(report.results[0]).toMatchObject({ kind: 'Pod', name: 'api', source: '<stdin>:2' });
  });

  it('reads every manifest under a directory, recursively', async () => {
    const { exitCode, report } = await auditJson(['-f', fixture('workloads')]);
    expect(exitCode).toBe(1);
    expect(report.results.map(({ kind, meetsLevel, source }) => ({ kind, meetsLevel, source }))).toEqual([
      { kind: 'Job', meetsLevel: true, source: `${fixture('workloads')}/job.yaml:1` },
      { kind: 'CronJob', meetsLevel: false, source: `${fixture('workloads')}/nested/cronjob.yml:1` },
    ]);
    expect(report.results[1]!.podSecurity.violations[0]!.path).toBe('spec.jobTemplate.spec.template.spec.volumes[0].hostPath');
  });

  it('prints a table per object with each violation, its fix, the hardening findings and a summary', async () => {
    const result = await runCliForTest(['audit', '-f', fixture('insecure-deployment.yaml')]);
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`FAIL Deployment shop/web  meets privileged, needs restricted  ${fixture('insecure-deployment.yaml')}:7`);
    expect(result.stdout).toMatch(/^ {2}privileged \[baseline\] +spec\.template\.spec\.containers\[0\]\.securityContext\.privileged$/m);
    expect(result.stdout).toMatch(/^ +container "web" sets privileged=true; allowed: false or unset$/m);
    expect(result.stdout).toMatch(/^ +fix: remove securityContext\.privileged/m);
    expect(result.stdout).toMatch(/^ {2}hardening$/m);
    expect(result.stdout).toMatch(/^ {2}secretsInEnv +spec\.template\.spec\.containers\[0\]\.env\[0\]\.valueFrom\.secretKeyRef$/m);
    expect(result.stdout).toMatch(/^SKIP Rollout shop\/canary {2}kind Rollout is not a Pod/m);
    expect(lines.at(-2)).toMatch(/^1 of 1 object does not meet restricted \(Pod Security latest\); 1 skipped \(unsupported\); \d+ hardening findings$/);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('colors the verdict when color is on', async () => {
    const result = await runCliForTest(['audit', '-f', fixture('restricted-pod.yaml')], { color: true });
    expect(result.stdout).toContain('\u001b[32mPASS\u001b[39m');
  });

  describe('exits 2 on bad input', () => {
    it('names the file and the line of a YAML error', async () => {
      const result = await runCliForTest(['audit', '-f', fixture('broken.yaml')]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`${fixture('broken.yaml')}:8: invalid YAML`);
    });

    it('names a bad --pss-version and the allowed ones', async () => {
      const result = await runCliForTest(['audit', '-f', fixture('restricted-pod.yaml'), '--pss-version', '1.37']);
      expect(result).toMatchObject({ exitCode: 2, stdout: '' });
      expect(result.stderr).toContain('invalid --pss-version "1.37"');
      expect(result.stderr).toContain('latest or a policy version from v1.0 to v1.37');
    });

    it('names a bad --level and the allowed ones', async () => {
      const result = await runCliForTest(['audit', '-f', fixture('restricted-pod.yaml'), '--level', 'strict']);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("argument 'strict' is invalid. Allowed choices are baseline, restricted.");
    });

    it('requires -f', async () => {
      const result = await runCliForTest(['audit']);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("required option '-f, --filename <file|dir|->' not specified");
    });

    it('says so when the file does not exist', async () => {
      const result = await runCliForTest(['audit', '-f', fixture('missing.yaml')]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`no such file or directory: ${fixture('missing.yaml')}`);
    });

    it('refuses to pass input with no Pod or workload in it', async () => {
      const result = await runCliForTest(['audit', '-f', fixture('only-services.yaml'), '--json']);
      expect(result).toMatchObject({ exitCode: 2, stdout: '' });
      expect(result.stderr).toContain('nothing to audit in test/fixtures/audit/only-services.yaml: found only Service, Widget');
      expect(result.stderr).toContain('kind Widget is not a Pod or a known workload');
    });
  });
});
