/** Pod Security Standards evaluator: pure, versioned, faithful to k8s.io/pod-security-admission. */
export { evaluatePodSecurity, type EvaluateOptions } from './evaluate.js';
export { podTemplateOf, supportedKinds, type PodTemplateOutcome } from './workload.js';
export { policyMinorOf, podSecurityVersions, latestPolicyMinor } from './version.js';
export { podPaths, type PodPaths } from './pod-view.js';
export {
  levelRank,
  podSecurityCheckIds,
  type PodSecurityCheckId,
  type PodSecurityLevel,
  type PodSecurityResult,
  type Violation,
} from './types.js';
