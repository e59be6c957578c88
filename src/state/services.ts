import type { Catalogue, Scenario } from '../catalogue/load.js';
import type { GradeReport } from '../grading/types.js';
import type { DoctorItem } from '../cluster/doctor/items.js';
import type { UpEvent } from '../cluster/up.js';
import type { ClusterStatus, Log, RevealedHint, SubmitOutcome } from '../lab/session.js';
import type { Progress } from '../progress/store.js';

export type { ClusterStatus, DoctorItem, Log, RevealedHint, SubmitOutcome };

/** A step of `up` as the provisioning screen shows it. */
export type ProvisionEvent = UpEvent;

/**
 * Everything the TUI does outside itself. The store calls these and keeps
 * only results, so state transitions are tested without a terminal; the real
 * implementation (lab-services.ts) is the lab's use-case layer, the same
 * code the CLI runs. The learner has confirmed a write in the TUI before
 * the store calls it.
 */
export interface LabServices {
  loadCatalogue(): Promise<Catalogue>;
  loadProgress(): Promise<Progress>;
  clusterStatus(): Promise<ClusterStatus>;
  start(scenario: Scenario, log: Log): Promise<Progress>;
  reset(scenario: Scenario, log: Log): Promise<Progress>;
  solve(scenario: Scenario, log: Log): Promise<Progress>;
  /** Grades; `attempt` records it as one the learner asked for, while automatic re-checks are not. */
  check(scenario: Scenario, options: { attempt: boolean }): Promise<{ report: GradeReport; progress: Progress }>;
  /** Grades and reveals the next rung for the first failing check; throws, spending nothing, when a check could not be judged. */
  hint(scenario: Scenario): Promise<RevealedHint & { progress: Progress }>;
  /** Takes an attack flag the learner found; needs no cluster. */
  submit(scenario: Scenario, value: string): Promise<SubmitOutcome & { progress: Progress }>;
  /** Calls `onChange` when objects the scenario's checks read change; resolves to a stop function. */
  watch(scenario: Scenario, onChange: () => void): Promise<() => void>;
  /** Creates the lab cluster; aborting `signal` stops kind. */
  provision(report: (event: ProvisionEvent) => void, signal: AbortSignal): Promise<{ logPath?: string }>;
  doctor(): Promise<DoctorItem[]>;
  /** Environment for the learner's shell (`t`): KUBECONFIG, context, namespace. */
  shellEnvironment(scenario: Scenario): Promise<NodeJS.ProcessEnv>;
  close(): void;
}
