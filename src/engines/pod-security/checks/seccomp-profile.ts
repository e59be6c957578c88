import { exceptWindowsPods, type CheckDefinition, type CheckFn } from '../check.js';
import { objectOrUndefined, show } from '../json.js';
import { annotationViolations, describeAnnotation } from './annotations.js';
import { securityContextRule } from './field-rule.js';

const allowedTypes: ReadonlySet<unknown> = new Set(['RuntimeDefault', 'Localhost']);
const podAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const containerAnnotationPrefix = 'container.seccomp.security.alpha.kubernetes.io/';

function isAllowedAnnotationValue(value: unknown): boolean {
  return value === 'runtime/default' || value === 'docker/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** Before 1.19 seccomp was set by annotations: the pod's, and one per visited container name. */
const annotationsBeforeV1Dot19: CheckFn = (pod) => {
  const checkedKeys = new Set([podAnnotation]);
  for (const container of pod.containers) if (container.name !== undefined) checkedKeys.add(containerAnnotationPrefix + container.name);
  return annotationViolations(
    pod,
    (key) => checkedKeys.has(key),
    isAllowedAnnotationValue,
    (key, value) => ({
      message: `${describeAnnotation(key, value)}; allowed: runtime/default, docker/default, localhost/<profile> or unset`,
      fix: 'set the annotation to runtime/default',
    }),
  );
};

/** Pod and container seccompProfile types that are set to something other than RuntimeDefault or Localhost. */
const explicitlyBadTypes = securityContextRule('seccompProfile.type', (type) => allowedTypes.has(type), (owner, type) => ({
  message: `${owner} sets seccompProfile.type=${show(type)}; allowed: RuntimeDefault or Localhost`,
  fix: 'set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile)',
}));

const fieldsFromV1Dot19: CheckFn = (pod) => explicitlyBadTypes(pod.securityContexts);

/** Running Unconfined removes the syscall filter the runtime applies by default. */
export const seccompProfileBaseline: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minVersion: 0, evaluate: annotationsBeforeV1Dot19 },
    { minVersion: 19, evaluate: fieldsFromV1Dot19 },
  ],
};

/**
 * Restricted requires a profile: RuntimeDefault or Localhost on the pod (containers
 * may then leave it unset) or on every container. Like upstream, containers that
 * merely lack a profile are reported only when nothing sets a bad one.
 */
const requireProfile: CheckFn = (pod) => {
  const explicit = explicitlyBadTypes(pod.securityContexts);
  if (explicit.length > 0) return explicit;
  const podContext = pod.securityContexts[0]!;
  if (objectOrUndefined(podContext.fields?.seccompProfile)) return [];
  return pod.containerSecurityContexts
    .filter((context) => !objectOrUndefined(context.fields?.seccompProfile))
    .map((context) => ({
      path: `${context.path}.seccompProfile.type`,
      message: `${context.owner} sets no seccompProfile and neither does the pod; must be RuntimeDefault or Localhost`,
      fix: `set ${podContext.path}.seccompProfile.type: RuntimeDefault (or set it on every container)`,
    }));
};

export const seccompProfileRestricted: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 19, evaluate: requireProfile, overrides: ['seccompProfile_baseline'] },
    { minVersion: 25, evaluate: exceptWindowsPods(requireProfile), overrides: ['seccompProfile_baseline'] },
  ],
};
