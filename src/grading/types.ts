
export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';
export type OverallStatus = 'pass' | 'fail' | 'error';
export type HintRung = 'nudge' | 'concept' | 'command';
export const hintRungs: readonly HintRung[] = ['nudge', 'concept', 'command'];

/** What the grader looked at: enough for a learner to find and fix the gap. */
export interface Evidence {
  /** e.g. "Pod shop/api-7d9c", "Namespace escape", "shop/frontend -> shop/db:5432/TCP". */
  object: string;
  /** Field path inside the object, e.g. spec.containers[0].securityContext.privileged. */
  path?: string;
  observed: string;
  expected: string;
}

/** The outcome of one check kind's function, before the runner adds id, title and hints. */
export interface Verdict {
  status: CheckStatus;
  message: string;
  evidence?: Evidence;
}

export interface CheckResult extends Verdict {
  id: string;
  title: string;
  /** The check's kind as scenario.yaml names it, e.g. "pod-security". */
  kind: string;
  /** `fix` checks replay the attack; `guard` checks prove the legitimate path still works. */
  role: 'fix' | 'guard';
  /** The hint rung `hint` would reveal next for this check, when it is not passing. */
  nextHint?: HintRung;
}

export interface GradeReport {
  scenario: string;
  status: OverallStatus;
  checks: CheckResult[];
  /** API requests the run sent, and how long it took: the grader's cost, measured. */
  requests: number;
  durationMs: number;
}

export const pass = (message: string, evidence?: Evidence): Verdict => ({ status: 'pass', message, ...(evidence ? { evidence } : {}) });
export const fail = (message: string, evidence?: Evidence): Verdict => ({ status: 'fail', message, ...(evidence ? { evidence } : {}) });
export const error = (message: string, evidence?: Evidence): Verdict => ({ status: 'error', message, ...(evidence ? { evidence } : {}) });
export const skipped = (message: string): Verdict => ({ status: 'skipped', message });
