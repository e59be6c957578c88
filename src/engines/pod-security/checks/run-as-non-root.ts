import { exceptUserNamespacePods, type CheckDefinition, type CheckFn } from '../check.js';
import { isUnset, show } from '../json.js';
import type { SecurityContextView } from '../pod-view.js';
import { securityContextRule } from './field-rule.js';

const explicitlyFalse = securityContextRule('runAsNonRoot', (value) => isUnset(value) || value === true, (owner, value) => ({
  message: `${owner} sets runAsNonRoot=${show(value)}; must be true`,
  fix: 'set securityContext.runAsNonRoot: true (with a non-root user in the image or runAsUser)',
}));

/** The learner's usual belief is that a non-zero runAsUser is enough; it is not, so say it when it applies. */
function runAsUserNote(contexts: readonly SecurityContextView[]): string {
  const uid = contexts.map((context) => context.fields?.runAsUser).find((value) => typeof value === 'number' && value > 0);
  return uid === undefined ? '' : ` (runAsUser=${uid} alone does not satisfy this check)`;
}

/**
 * runAsNonRoot must be true on the pod (containers may then leave it unset) or on
 * every container. Like upstream, containers that merely leave it unset are
 * reported only when nothing sets it to false.
 */
const requireRunAsNonRoot: CheckFn = (pod) => {
  const explicit = explicitlyFalse(pod.securityContexts);
  if (explicit.length > 0) return explicit;
  const podContext = pod.securityContexts[0]!;
  if (podContext.fields?.runAsNonRoot === true) return [];
  return pod.containerSecurityContexts
    .filter((context) => context.fields?.runAsNonRoot !== true)
    .map((context) => ({
      path: `${context.path}.runAsNonRoot`,
      message: `${context.owner} does not set runAsNonRoot and neither does the pod; must be true${runAsUserNote([podContext, context])}`,
      fix: `set ${podContext.path}.runAsNonRoot: true (or set it on every container)`,
    }));
};

/** Containers must be required to run as a non-root user, unless the pod runs in a user namespace (1.35+). */
export const runAsNonRoot: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minVersion: 0, evaluate: requireRunAsNonRoot },
    { minVersion: 35, evaluate: exceptUserNamespacePods(requireRunAsNonRoot) },
  ],
};
