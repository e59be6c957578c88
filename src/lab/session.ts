import type { Catalogue, Scenario } from '../catalogue/load.js';
import type { LabMarker } from '../cluster/guard.js';
import { LabError, messageOf } from '../errors.js';
import type { GradeReport, HintRung } from '../grading/types.js';
import type { KubeClient } from '../kube/client.js';
import type { ImageMap } from '../manifests/image-map.js';
import type { Progress, ProgressStore } from '../progress/store.js';
import { connectToCluster, type ClusterSelection } from './connect.js';
import { requireConfirmation, type Confirm } from './confirm.js';

/** One line of a long operation's progress (start, reset, solve). */
export type Log = (line: string) => void;

/** What a write use case works with, once the context guard let it through. */
interface WriteParts {
  client: KubeClient;
  marker: LabMarker;
  lifecycle: typeof import('../lifecycle/scenario.js');
  /** The image map every rendered manifest goes through. */
  images: ImageMap;
  record: typeof import('../progress/record.js');
}

/** What a caller of a writing use case supplies: who answers the question, and where progress lines go. */
export interface WriteOptions {
  confirm: Confirm;
  log: Log;
}

/** What the status bar says about the cluster the lab would use. */
export interface ClusterStatus {
  state: 'checking' | 'ready' | 'not-lab' | 'unreachable' | 'no-kubeconfig';
  context?: string;
  server?: string;
  /** From the lab marker: whether `up` proved NetworkPolicy enforcement. */
  networkPolicy?: 'true' | 'false' | 'unknown';
  message?: string;
}

/** A hint revealed for a failing check: its rungs so far, out of three. */
export interface RevealedHint {
  report: GradeReport;
  /** Undefined when every check passes: nothing to hint at. */
  hint?: { kind: 'attack' | 'fix'; checkId: string; title: string; revealed: number; rungs: { rung: HintRung; text: string }[] };
}

/** What `submit` found: the flag a value matched (none for a wrong one), and how many of the run's flags are in. */
export interface SubmitOutcome {
  flag?: { id: string; title: string };
  captured: number;
  total: number;
}

export interface LabSessionOptions {
  selection: ClusterSelection;
  env: NodeJS.ProcessEnv;
  /** Non-fatal problems (e.g. a corrupt progress file set aside). */
  warn: (message: string) => void;
  /** The image map file given with --image-map (else $K8S_SEC_LAB_IMAGE_MAP, else none). */
  imageMap?: string;
}

/**
 * The lab's use cases, shared by the CLI and the TUI: each front end only
 * asks, shows and exits. A session connects lazily (and again after a failed
 * connection, e.g. once `up` made the cluster), checks the context guard and
 * asks for confirmation before every write, and records progress.
 */
export class LabSession {
  private client: Promise<KubeClient> | undefined;
  private catalogueLoad: Promise<Catalogue> | undefined;
  private store: ProgressStore | undefined;
  private imageMapLoad: Promise<ImageMap> | undefined;

  constructor(readonly options: LabSessionOptions) {}

  catalogue(): Promise<Catalogue> {
    this.catalogueLoad ??= import('../catalogue/load.js').then(({ defaultCatalogueRoot, loadCatalogue }) => loadCatalogue(defaultCatalogueRoot(this.options.env), this.options.env));
    return this.catalogueLoad;
  }

  /** The image map of this session, read once. */
  images(): Promise<ImageMap> {
    this.imageMapLoad ??= import('../manifests/image-map-file.js').then(({ loadImageMap }) => loadImageMap(this.options.imageMap, this.options.env));
    return this.imageMapLoad;
  }

  async scenario(id: string): Promise<Scenario> {
    const { findScenario } = await import('../catalogue/load.js');
    return findScenario(await this.catalogue(), id);
  }

  async progressStore(): Promise<ProgressStore> {
    if (!this.store) {
      const { ProgressStore, progressPath } = await import('../progress/store.js');
      this.store = new ProgressStore(progressPath(this.options.env), this.options.warn);
    }
    return this.store;
  }

  async progress(): Promise<Progress> {
    return (await this.progressStore()).load();
  }

  /** The client of the chosen cluster; a failed connection (no kubeconfig yet) is tried again next time. */
  connect(): Promise<KubeClient> {
    if (!this.client) {
      const connecting = connectToCluster(this.options.selection, this.options.env);
      connecting.catch(() => {
        if (this.client === connecting) this.client = undefined;
      });
      this.client = connecting;
    }
    return this.client;
  }

  /** Forgets the current client (after `up` created the lab cluster, its context is the one to use). */
  reconnect(): void {
    void this.client?.then((client) => client.close(), () => undefined);
    this.client = undefined;
  }

  async clusterStatus(): Promise<ClusterStatus> {
    const [{ readMarker }, { KubeRequestError }] = await Promise.all([import('../cluster/guard.js'), import('../kube/errors.js')]);
    let client: KubeClient;
    try {
      client = await this.connect();
    } catch (error) {
      return { state: 'no-kubeconfig', message: messageOf(error) };
    }
    const where = { context: client.context, server: client.server };
    try {
      const marker = await readMarker(client);
      if (!marker) return { state: 'not-lab', ...where, message: `${client.context} is not a lab cluster` };
      return { state: 'ready', ...where, networkPolicy: marker.networkPolicyEnforced };
    } catch (error) {
      const unreachable = error instanceof KubeRequestError && error.isUnreachable;
      return { state: 'unreachable', ...where, message: unreachable ? `cannot reach ${client.server}: is the cluster running?` : messageOf(error) };
    }
  }

  /** Deploys the vulnerable setup. The lab's own cluster needs no question; a cluster the learner adopted gets one. */
  start(scenario: Scenario, options: WriteOptions): Promise<Progress> {
    return this.write(async ({ client, marker, lifecycle, record, images }) => {
      if (marker.markedBy === 'adopt') {
        await requireConfirmation(options.confirm, `Deploy deliberately vulnerable workloads for "${scenario.id}" to context ${client.context} (${client.server})?`);
      }
      const flags = await lifecycle.startScenario(scenario, client, options.log, images);
      await record.recordStart(await this.progressStore(), scenario.id, flags);
    });
  }

  reset(scenario: Scenario, options: WriteOptions): Promise<Progress> {
    return this.write(async ({ client, lifecycle, record, images }) => {
      await requireConfirmation(options.confirm, resetQuestion(scenario, client));
      const flags = await lifecycle.resetScenario(scenario, client, options.log, images);
      await record.recordStart(await this.progressStore(), scenario.id, flags);
    });
  }

  solve(scenario: Scenario, options: WriteOptions): Promise<Progress> {
    return this.write(async ({ client, lifecycle, record, images }) => {
      await requireConfirmation(options.confirm, solveQuestion(scenario, client));
      await lifecycle.solveScenario(scenario, client, options.log, images);
      await record.recordSolution(await this.progressStore(), scenario.id);
    });
  }

  /** A check the learner asked for: graded with their revealed hints, and recorded as an attempt. */
  async check(scenario: Scenario): Promise<GradeReport> {
    const report = await this.grade(scenario);
    const { recordCheck } = await import('../progress/record.js');
    await recordCheck(await this.progressStore(), scenario.id, report.status);
    return report;
  }

  /** A re-grade the learner did not ask for (the TUI's watch and timer): shown, never counted as an attempt. */
  regrade(scenario: Scenario): Promise<GradeReport> {
    return this.grade(scenario);
  }

  /**
   * Reveals the next rung for the first failing check. A run that could not
   * judge every check (API down, a check in error) spends no rung: the hint
   * might be for a check that already passes.
   */
  async hint(scenario: Scenario): Promise<RevealedHint> {
    const report = await this.grade(scenario);
    const [{ hintTarget, revealedRungs }, { recordHint }, { gradeErrorLine }] = await Promise.all([
      import('../grading/hints.js'),
      import('../progress/record.js'),
      import('../grading/report.js'),
    ]);
    const attack = await this.attackHint(scenario, report, recordHint);
    if (attack) return attack;
    const unjudged = gradeErrorLine(report);
    if (unjudged) throw new LabError(unjudged, { fix: `no hint was spent; run k8s-sec-lab check ${scenario.id} for details` });
    const target = hintTarget(report);
    const spec = scenario.checks.find((check) => check.id === target?.id);
    if (!target || !spec) return { report };
    const revealed = await recordHint(await this.progressStore(), scenario.id, target.id);
    return { report, hint: { kind: 'fix', checkId: target.id, title: target.title, revealed, rungs: revealedRungs(spec.hints, revealed) } };
  }

  /**
   * Takes a flag the learner found by performing the attack. Needs no cluster:
   * progress holds the run's salted hashes. A wrong flag is counted and the
   * right value is never revealed.
   */
  async submit(scenario: Scenario, value: string): Promise<SubmitOutcome> {
    if (scenario.flags.length === 0) throw new LabError(`${scenario.id} has no attack flag to submit`, { fix: `check your fix with k8s-sec-lab check ${scenario.id}` });
    const store = await this.progressStore();
    const planted = (await store.load()).scenarios[scenario.id]?.flags;
    if (!planted || Object.keys(planted).length === 0) {
      throw new LabError(`${scenario.id} has no flag planted on record`, { fix: `start the scenario first (k8s-sec-lab start ${scenario.id}), then perform the attack` });
    }
    const { recordSubmission } = await import('../progress/record.js');
    const matched = await recordSubmission(store, scenario.id, value);
    const flags = (await store.load()).scenarios[scenario.id]?.flags ?? {};
    const flag = scenario.flags.find((candidate) => candidate.id === matched);
    return {
      ...(flag ? { flag: { id: flag.id, title: flag.title } } : {}),
      captured: Object.values(flags).filter((record) => record.capturedAt).length,
      total: scenario.flags.length,
    };
  }

  /** Marks a cluster the learner chose as a lab cluster; false when it already was one. */
  async adopt(confirm: Confirm): Promise<{ adopted: boolean; client: KubeClient; markedAt?: string; markedBy?: string; labId: string }> {
    const client = await this.connect();
    const { markCluster, readMarker } = await import('../cluster/guard.js');
    const existing = await readMarker(client);
    if (existing) return { adopted: false, client, markedAt: existing.markedAt, markedBy: existing.markedBy, labId: existing.labId };
    await requireConfirmation(confirm, adoptQuestion(client.context, client.server));
    const marker = await markCluster(client, 'adopt');
    return { adopted: true, client, labId: marker.labId };
  }

  /** Until every flag is in, the hint is for the attack: its ladder first, then the fix's. */
  private async attackHint(scenario: Scenario, report: GradeReport, recordHint: (store: ProgressStore, id: string, key: string) => Promise<number>): Promise<RevealedHint | undefined> {
    const captured = (await this.progress()).scenarios[scenario.id]?.flags ?? {};
    const open = scenario.flags.find((flag) => captured[flag.id] && !captured[flag.id]?.capturedAt);
    if (!open) return undefined;
    const { revealedRungs } = await import('../grading/hints.js');
    const revealed = await recordHint(await this.progressStore(), scenario.id, `flag:${open.id}`);
    return { report, hint: { kind: 'attack', checkId: open.id, title: open.title, revealed, rungs: revealedRungs(open.hints, revealed) } };
  }

  close(): void {
    void this.client?.then((client) => client.close(), () => undefined);
  }

  private async grade(scenario: Scenario): Promise<GradeReport> {
    const [client, progress, { gradeScenario }, { scenarioProgress }] = await Promise.all([
      this.connect(),
      this.progress(),
      import('../grading/grade.js'),
      import('../progress/store.js'),
    ]);
    return gradeScenario(scenario, client, scenarioProgress(progress, scenario.id).hintsRevealed);
  }

  /** A write to the cluster and the progress it records: the context guard first, then `work`, then the new progress. */
  private async write(work: (parts: WriteParts) => Promise<void>): Promise<Progress> {
    const [client, lifecycle, record, images, { requireLabCluster }] = await Promise.all([
      this.connect(),
      import('../lifecycle/scenario.js'),
      import('../progress/record.js'),
      this.images(),
      import('../cluster/guard.js'),
    ]);
    const marker = await requireLabCluster(client);
    await work({ client, marker, lifecycle, record, images });
    return this.progress();
  }
}

/** The questions every front end asks, in one place, naming exactly what will change. */
export function resetQuestion(scenario: Scenario, client?: KubeClient): string {
  return `Reset "${scenario.id}"${client ? ` on ${client.context}` : ''}? This deletes namespace ${scenario.namespaces.join(', ')} and everything you changed there`;
}

export function solveQuestion(scenario: Scenario, client?: KubeClient): string {
  return `Apply the reference solution of "${scenario.id}"${client ? ` on ${client.context}` : ''}? It overwrites your own fix and counts as solved with the solution`;
}

export function adoptQuestion(context: string, server: string): string {
  return `Mark context "${context}" (${server}) as a lab cluster? Lab commands will then create and delete objects there`;
}
