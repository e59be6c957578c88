import { Option } from 'commander';
import type { HardeningFinding } from '../engines/hardening/index.js';
import type { PodSecurityLevel, Violation } from '../engines/pod-security/index.js';
import { ExitCode, LabError } from '../errors.js';
import type { LoadedObject } from '../manifests/load.js';
import type { KubeObject } from '../model/k8s.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeJson, writeLine } from './io.js';

type RequiredLevel = Exclude<PodSecurityLevel, 'privileged'>;

interface AuditOptions {
  filename: string;
  level: RequiredLevel;
  pssVersion: string;
  json?: boolean;
}

interface ObjectIdentity {
  kind: string | null;
  namespace: string | null;
  name: string | null;
  /** `file:line` of the document the object came from. */
  source: string;
}

export interface AuditResult extends ObjectIdentity {
  meetsLevel: boolean;
  podSecurity: { level: PodSecurityLevel; violations: Violation[] };
  findings: HardeningFinding[];
}

export interface AuditReport {
  /** The level every object must meet (--level). */
  requiredLevel: RequiredLevel;
  pssVersion: string;
  results: AuditResult[];
  /** Objects the audit cannot judge (unknown kinds, workloads without a pod template). */
  unsupported: (ObjectIdentity & { reason: string })[];
}

export const auditCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('audit')
      .summary('check manifests against the Pod Security Standards, with hardening advice')
      .description(
        'Check Pods and workload templates in manifests against the Pod Security Standards, as the ' +
          'admission controller would, and list hardening advice beyond them. No cluster needed. ' +
          'Exit 0 when every Pod and workload meets --level, 1 when some do not, 2 on bad input.',
      )
      .requiredOption('-f, --filename <file|dir|->', 'a manifest file, a directory of them (recursive), or - for stdin')
      .addOption(
        new Option('--level <level>', 'the Pod Security level every object must meet')
          .choices(['baseline', 'restricted'])
          .default('restricted'),
      )
      .option('--pss-version <version>', 'Pod Security policy version: latest or v1.0 … v1.37', 'latest')
      .option('--json', 'print the report as JSON')
      .action(action(ctx, (options: AuditOptions) => runAudit(ctx, options)));
  },
};

async function runAudit(ctx: CommandContext, options: AuditOptions): Promise<number> {
  // Loaded here so that `k8s-sec-lab --version` and other commands do not pay for the engines.
  const [{ loadManifests }, pss, { hardeningFindings }] = await Promise.all([
    import('../manifests/load.js'),
    import('../engines/pod-security/index.js'),
    import('../engines/hardening/index.js'),
  ]);
  if (pss.policyMinorOf(options.pssVersion) === undefined) {
    throw new LabError(`invalid --pss-version ${JSON.stringify(options.pssVersion)}`, {
      fix: 'use latest or a policy version from v1.0 to v1.37, e.g. --pss-version v1.37',
    });
  }
  const loaded = await loadManifests(options.filename, ctx.io.readStdin);
  const report: AuditReport = { requiredLevel: options.level, pssVersion: options.pssVersion, results: [], unsupported: [] };
  for (const { object, source } of loaded) {
    const template = pss.podTemplateOf(object);
    if (template.status === 'not-applicable') continue;
    const identity = identityOf(object, `${source.file}:${source.line}`);
    if (template.status === 'unsupported') {
      report.unsupported.push({ ...identity, reason: template.reason });
      continue;
    }
    const podSecurity = pss.evaluatePodSecurity(template.metadata, template.spec, {
      version: options.pssVersion,
      paths: template.paths,
    });
    report.results.push({
      ...identity,
      meetsLevel: pss.levelRank[podSecurity.level] >= pss.levelRank[options.level],
      podSecurity,
      findings: hardeningFindings(template.spec, { paths: template.paths }),
    });
  }
  if (report.results.length === 0) throw nothingToAudit(options.filename, report, loaded);

  if (options.json) writeJson(ctx.io.stdout, report);
  else writeHumanReport(ctx, report);
  return report.results.every((result) => result.meetsLevel) ? ExitCode.ok : ExitCode.fail;
}

function identityOf(object: KubeObject, source: string): ObjectIdentity {
  const metadata: Record<string, unknown> = typeof object.metadata === 'object' && object.metadata !== null ? { ...object.metadata } : {};
  return {
    kind: stringOrNull(object.kind),
    namespace: stringOrNull(metadata.namespace),
    name: stringOrNull(metadata.name) ?? stringOrNull(metadata.generateName),
    source,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** An audit that judged nothing must not pass: the input was probably not what the user meant. */
function nothingToAudit(target: string, report: AuditReport, loaded: readonly LoadedObject[]): LabError {
  const kinds = [...new Set(loaded.map(({ object }) => object.kind ?? '<no kind>'))];
  const found = kinds.length === 0 ? 'no objects' : `only ${kinds.join(', ')}`;
  const reasons = report.unsupported.map((skipped) => `${skipped.source}: ${skipped.reason}`);
  return new LabError(`nothing to audit in ${target === '-' ? 'stdin' : target}: found ${found}`, {
    fix: reasons[0] ?? 'pass manifests of Pods or workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ...)',
  });
}

interface Row {
  label: string;
  path: string;
  message: string;
  fix: string;
}

function writeHumanReport(ctx: CommandContext, report: AuditReport): void {
  const { color } = ctx.io;
  const out = (line = '') => writeLine(ctx.io.stdout, line);
  for (const result of report.results) {
    const verdict = result.meetsLevel ? color.green('PASS') : color.red('FAIL');
    const need = result.meetsLevel ? '' : `, needs ${report.requiredLevel}`;
    out(`${verdict} ${color.bold(describe(result))}  meets ${result.podSecurity.level}${need}  ${color.dim(result.source)}`);
    const violations = result.podSecurity.violations.map((violation) => ({ ...violation, label: `${violation.check} [${violation.level}]` }));
    writeRows(ctx, violations, color.red);
    if (result.findings.length > 0) {
      out(`  ${color.bold('hardening')}`);
      writeRows(ctx, result.findings.map((finding) => ({ ...finding, label: finding.id })), color.yellow);
    }
  }
  for (const skipped of report.unsupported) {
    out(`${color.yellow('SKIP')} ${color.bold(describe(skipped))}  ${skipped.reason}  ${color.dim(skipped.source)}`);
  }
  out();
  out(summary(report));
}

/** One row per problem: label and path aligned like a table, then what is wrong and the fix below. */
function writeRows(ctx: CommandContext, rows: readonly Row[], paint: (text: string) => string): void {
  const width = Math.max(0, ...rows.map((row) => row.label.length));
  const indent = ' '.repeat(width + 4);
  for (const row of rows) {
    writeLine(ctx.io.stdout, `  ${paint(row.label.padEnd(width))}  ${row.path}`);
    writeLine(ctx.io.stdout, `${indent}${row.message}`);
    writeLine(ctx.io.stdout, `${indent}${ctx.io.color.dim(`fix: ${row.fix}`)}`);
  }
}

function describe(object: ObjectIdentity): string {
  const namespace = object.namespace === null ? '' : `${object.namespace}/`;
  return `${object.kind ?? '<no kind>'} ${namespace}${object.name ?? '<unnamed>'}`;
}

function summary(report: AuditReport): string {
  const total = report.results.length;
  const objects = `${total} ${plural(total, 'object')}`;
  const failing = report.results.filter((result) => !result.meetsLevel).length;
  const findings = report.results.reduce((sum, result) => sum + result.findings.length, 0);
  const verdict =
    failing === 0
      ? `${objects} ${total === 1 ? 'meets' : 'meet'} ${report.requiredLevel}`
      : `${failing} of ${objects} ${failing === 1 ? 'does' : 'do'} not meet ${report.requiredLevel}`;
  const skipped = report.unsupported.length === 0 ? '' : `; ${report.unsupported.length} skipped (unsupported)`;
  return `${verdict} (Pod Security ${report.pssVersion})${skipped}; ${findings} hardening ${plural(findings, 'finding')}`;
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}
