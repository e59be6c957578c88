import { loadCatalogue, type Scenario } from '../../src/catalogue/load.js';
import { revealedRungs } from '../../src/grading/hints.js';
import { freshLabEnv } from '../helpers/lab-home.js';
import type { CheckStatus, GradeReport } from '../../src/grading/types.js';
import { emptyProgress, type Progress } from '../../src/progress/store.js';
import type { ClusterStatus, LabServices, ProvisionEvent } from '../../src/state/services.js';
import { fixtureCatalogue } from '../helpers/fixtures.js';

/**
 * LabServices that answer from a script, for testing the TUI's state and
 * screens without a cluster (the cluster side is covered by the integration
 * tests). It records every call and lets a test decide what the next grade is.
 */
export class ScriptedServices implements LabServices {
  calls: string[] = [];
  progress: Progress = emptyProgress();
  cluster: ClusterStatus = { state: 'ready', context: 'kind-k8s-sec-lab', server: 'https://127.0.0.1:6443', networkPolicy: 'true' };
  /** The status every check gets from the next grade. */
  nextStatus: CheckStatus = 'fail';
  watchers = 0;
  failNext: string | undefined;
  private onChange: (() => void) | undefined;

  async loadCatalogue() {
    return loadCatalogue(fixtureCatalogue, freshLabEnv());
  }
  async loadProgress() {
    return this.progress;
  }
  async clusterStatus() {
    return this.cluster;
  }
  async start(scenario: Scenario, log: (line: string) => void) {
    this.calls.push(`start ${scenario.id}`);
    this.throwIfScripted();
    log('applied 4 objects');
    this.progress.scenarios[scenario.id] = { attempts: 0, hintsRevealed: {}, startedAt: new Date().toISOString() };
    return this.progress;
  }
  async reset(scenario: Scenario) {
    this.calls.push(`reset ${scenario.id}`);
    return this.progress;
  }
  async solve(scenario: Scenario) {
    this.calls.push(`solve ${scenario.id}`);
    return this.progress;
  }
  async check(scenario: Scenario, { attempt }: { attempt: boolean }) {
    this.calls.push(`${attempt ? 'check' : 'regrade'} ${scenario.id}`);
    this.throwIfScripted();
    return { report: reportFor(scenario, this.nextStatus), progress: this.progress };
  }
  /** Grades, then reveals a rung of the first check not passing, as the lab's hint use case does; spends nothing on an error. */
  async hint(scenario: Scenario) {
    this.throwIfScripted();
    const report = reportFor(scenario, this.nextStatus);
    if (report.status === 'error') throw new Error(`${scenario.id}: ERROR: a check could not be judged`);
    const target = report.checks.find((check) => check.status === 'fail');
    const spec = scenario.checks.find((check) => check.id === target?.id);
    if (!target || !spec) return { report, progress: this.progress };
    this.calls.push(`hint ${scenario.id} ${target.id}`);
    const record = (this.progress.scenarios[scenario.id] ??= { attempts: 0, hintsRevealed: {} });
    const revealed = Math.min(3, (record.hintsRevealed[target.id] ?? 0) + 1);
    record.hintsRevealed[target.id] = revealed;
    return { report, progress: this.progress, hint: { kind: 'fix' as const, checkId: target.id, title: target.title, revealed, rungs: revealedRungs(spec.hints, revealed) } };
  }
  /** The flag that `submit` accepts for every scenario. */
  flag = 'K8SLAB{scripted}';
  async submit(scenario: Scenario, value: string) {
    this.calls.push(`submit ${scenario.id} ${value}`);
    const first = scenario.flags[0];
    if (value !== this.flag || !first) return { captured: 0, total: scenario.flags.length, progress: this.progress };
    const record = (this.progress.scenarios[scenario.id] ??= { attempts: 0, hintsRevealed: {} });
    record.flags = { [first.id]: { salt: 's', hash: 'h', capturedAt: new Date().toISOString() } };
    return { flag: { id: first.id, title: first.title }, captured: 1, total: scenario.flags.length, progress: this.progress };
  }
  async watch(scenario: Scenario, onChange: () => void) {
    this.calls.push(`watch ${scenario.id}`);
    this.watchers++;
    this.onChange = onChange;
    return () => {
      this.watchers--;
      this.onChange = undefined;
    };
  }
  /** What an API watch event does: tells the UI something changed. */
  clusterChanged(): void {
    this.onChange?.();
  }
  async provision(report: (event: ProvisionEvent) => void, _signal: AbortSignal) {
    this.calls.push('provision');
    report({ step: 'cluster', status: 'start', elapsedMs: 0 });
    report({ step: 'cluster', status: 'done', elapsedMs: 42_000 });
    return { logPath: '/tmp/kind.log' };
  }
  async doctor() {
    return [
      { id: 'container-engine' as const, title: 'Container engine', status: 'fail' as const, detail: 'docker is not running', fix: 'sudo systemctl start docker' },
      { id: 'kubectl' as const, title: 'kubectl', status: 'ok' as const, detail: 'v1.36.3' },
    ];
  }
  async shellEnvironment(scenario: Scenario) {
    return { K8S_SEC_LAB_SCENARIO: scenario.id };
  }
  close(): void {
    this.calls.push('close');
  }
  private throwIfScripted(): void {
    const message = this.failNext;
    this.failNext = undefined;
    if (message) throw new Error(message);
  }
}

/** A report where every fix check has `status` and every guard passes, as after start or a fix. */
export function reportFor(scenario: Scenario, status: CheckStatus): GradeReport {
  const checks = scenario.checks.map((check) => ({
    id: check.id,
    title: check.title,
    kind: check.kind,
    role: check.role,
    status: check.role === 'guard' ? ('pass' as const) : status,
    message: check.role === 'guard' ? `${check.id} holds` : `${check.id} is not fixed yet`,
  }));
  return { scenario: scenario.id, status: status === 'pass' ? 'pass' : status === 'error' ? 'error' : 'fail', checks, requests: 3, durationMs: 5 };
}
