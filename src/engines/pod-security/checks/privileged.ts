import type { CheckDefinition } from '../check.js';
import { isUnsetOrFalse, show } from '../json.js';
import { securityContextRule } from './field-rule.js';

const privilegedContainers = securityContextRule('privileged', isUnsetOrFalse, (owner, value) => ({
  message: `${owner} sets privileged=${show(value)}; allowed: false or unset`,
  fix: 'remove securityContext.privileged (or set it to false); grant single capabilities only if really needed',
}));

/** Privileged containers disable most isolation between the container and the node. */
export const privileged: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minVersion: 0, evaluate: (pod) => privilegedContainers(pod.containerSecurityContexts) }],
};
