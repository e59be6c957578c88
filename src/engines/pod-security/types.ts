/** Pod Security Standards levels, least to most restrictive. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Levels in order of strictness: a pod meets every level up to its own. */
export const levelRank: Record<PodSecurityLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** The upstream check IDs (k8s.io/pod-security-admission/policy). */
export const podSecurityCheckIds = [
  'privileged',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'appArmorProfile',
  'seLinuxOptions',
  'procMount',
  'seccompProfile_baseline',
  'sysctls',
  'capabilities_baseline',
  'windowsHostProcess',
  'hostProbesAndHostLifecycle',
  'restrictedVolumes',
  'allowPrivilegeEscalation',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
  'capabilities_restricted',
  'procMount_restricted',
] as const;

export type PodSecurityCheckId = (typeof podSecurityCheckIds)[number];

/** One field that fails a check: where it is, what is wrong with it, and how to fix it. */
export interface Violation {
  check: PodSecurityCheckId;
  /** The level whose policy this check belongs to. */
  level: Exclude<PodSecurityLevel, 'privileged'>;
  /** Field path relative to the evaluated object, e.g. `spec.containers[0].securityContext.privileged`. */
  path: string;
  /** What was observed and what is allowed. */
  message: string;
  /** A one-line remedy. */
  fix: string;
}

export interface PodSecurityResult {
  /** The most restrictive level the pod meets. */
  level: PodSecurityLevel;
  /** Every baseline check that fails, then every restricted check that fails. */
  violations: Violation[];
}

/** What a single check reports for one offending field; the evaluator adds the check ID and level. */
export type FieldViolation = Omit<Violation, 'check' | 'level'>;
