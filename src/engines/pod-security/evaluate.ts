import { LabError } from '../../errors.js';
import { podView, type PodPaths, type PodView } from './pod-view.js';
import { policyAt, type ActiveCheck } from './registry.js';
import type { PodSecurityResult, Violation } from './types.js';
import { policyMinorOf } from './version.js';

export interface EvaluateOptions {
  /** `latest` (default) or `v1.x`, as in the `pod-security.kubernetes.io/<mode>-version` label. */
  version?: string;
  /** Where metadata and spec sit in the evaluated object (default `metadata` and `spec`, as in a Pod). */
  paths?: PodPaths;
}

/**
 * Evaluates a pod against the Pod Security Standards as the upstream admission
 * controller does at the given policy version. Accepts any JSON (never throws on
 * odd shapes); see pod-view.ts for how malformed fields are read.
 */
export function evaluatePodSecurity(podMetadata: unknown, podSpec: unknown, options: EvaluateOptions = {}): PodSecurityResult {
  const version = options.version ?? 'latest';
  const minor = policyMinorOf(version);
  if (minor === undefined) {
    throw new LabError(`invalid Pod Security version ${JSON.stringify(version)}`, { fix: 'use "latest" or v1.0 … v1.37' });
  }
  const policy = policyAt(minor);
  const pod = podView(podMetadata, podSpec, options.paths);
  const baseline = run(policy.baseline, pod);
  const restrictedOnly = run(policy.restricted, pod);
  const meetsBaseline = baseline.length === 0;
  const meetsRestricted = restrictedOnly.length === 0 && baseline.every((violation) => policy.overridden.has(violation.check));
  return {
    level: meetsRestricted ? 'restricted' : meetsBaseline ? 'baseline' : 'privileged',
    violations: [...baseline, ...restrictedOnly],
  };
}

function run(checks: readonly ActiveCheck[], pod: PodView): Violation[] {
  const violations: Violation[] = [];
  for (const check of checks) {
    for (const found of check.evaluate(pod)) violations.push({ check: check.id, level: check.level, ...found });
  }
  return violations;
}
