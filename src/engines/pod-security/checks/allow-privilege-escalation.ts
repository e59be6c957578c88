import { exceptWindowsPods, type CheckDefinition, type CheckFn } from '../check.js';
import { show } from '../json.js';
import { securityContextRule } from './field-rule.js';

const mustBeFalse = securityContextRule('allowPrivilegeEscalation', (value) => value === false, (owner, value) => ({
  message: `${owner} has allowPrivilegeEscalation=${show(value)}; must be explicitly false (unset allows setuid binaries to escalate)`,
  fix: 'set securityContext.allowPrivilegeEscalation: false',
}));

const everyContainer: CheckFn = (pod) => mustBeFalse(pod.containerSecurityContexts);

/** Without allowPrivilegeEscalation=false, a process can gain more privileges than its parent (setuid, file capabilities). */
export const allowPrivilegeEscalation: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minVersion: 8, evaluate: everyContainer },
    { minVersion: 25, evaluate: exceptWindowsPods(everyContainer) },
  ],
};
