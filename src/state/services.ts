import type { Catalogue, Scenario } from '../catalogue/load.js';
import type { GradeReport } from '../grading/types.js';
import type { DoctorItem } from '../cluster/doctor/items.js';
import type { UpEvent } from '../cluster/up.js';
import type { Progress } from '../progress/store.js';

/** What the status bar says about the cluster the lab would use. */
export interface ClusterStatus {
  state: 'checking' | 'ready' | 'not-lab' | 'unreachable' | 'no-kubeconfig';
  context?: string;
  server?: string;
  /** From the lab marker: whether `up` proved NetworkPolicy enforcement. */
  networkPolicy?: 'true' | 'false' | 'unknown';
  message?: string;
}

/** One line of a long operation's progress (start, reset, solve, up). */
export type Log = (line: string) => void;

/** A step of `up` as the provisioning screen shows it. */
export type ProvisionEvent = UpEvent;
export type { DoctorItem };

/**
 * Everything the TUI does outside itself. The store calls these and keeps
 * only results, so state transitions are tested without a terminal, and the
 * real implementation (lab-services.ts) is the same code the CLI runs.
 */
export interface LabServices {
  loadCatalogue(): Promise<Catalogue>;
  loadProgress(): Promise<Progress>;
  clusterStatus(): Promise<ClusterStatus>;
  start(scenario: Scenario, log: Log): Promise<Progress>;
  reset(scenario: Scenario, log: Log): Promise<Progress>;
  solve(scenario: Scenario, log: Log): Promise<Progress>;
  /** Grades and records the attempt; returns the report and the updated progress. */
  check(scenario: Scenario): Promise<{ report: GradeReport; progress: Progress }>;
  /** Reveals the next rung for a check; returns how many rungs are revealed and the progress. */
  hint(scenario: Scenario, checkId: string): Promise<{ revealed: number; progress: Progress }>;
  /** Calls `onChange` when objects the scenario's checks read change; resolves to a stop function. */
  watch(scenario: Scenario, onChange: () => void): Promise<() => void>;
  provision(report: (event: ProvisionEvent) => void): Promise<{ logPath?: string }>;
  doctor(): Promise<DoctorItem[]>;
  /** Environment for the learner's shell (`t`): KUBECONFIG, context, namespace. */
  shellEnvironment(scenario: Scenario): Promise<NodeJS.ProcessEnv>;
  close(): void;
}
