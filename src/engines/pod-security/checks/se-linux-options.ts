import type { CheckDefinition, CheckFn } from '../check.js';
import { isUnset, isUnsetOrEmpty, show } from '../json.js';
import { securityContextRule, type SecurityContextRule } from './field-rule.js';

const typesV1Dot0 = ['container_t', 'container_init_t', 'container_kvm_t'];
const typesV1Dot31 = [...typesV1Dot0, 'container_engine_t'];

function typeRule(allowedTypes: readonly string[]): SecurityContextRule {
  const allowed: ReadonlySet<unknown> = new Set(['', ...allowedTypes]);
  return securityContextRule('seLinuxOptions.type', (type) => isUnset(type) || allowed.has(type), (owner, type) => ({
    message: `${owner} sets SELinux type ${show(type)}; allowed: ${allowedTypes.join(', ')} or unset`,
    fix: 'remove securityContext.seLinuxOptions.type (or set it to container_t)',
  }));
}

const userOrRole = (field: 'user' | 'role'): SecurityContextRule =>
  securityContextRule(`seLinuxOptions.${field}`, isUnsetOrEmpty, (owner, value) => ({
    message: `${owner} sets SELinux ${field} ${show(value)}; allowed: empty or unset`,
    fix: `remove securityContext.seLinuxOptions.${field}`,
  }));

const userRule = userOrRole('user');
const roleRule = userOrRole('role');

function seLinuxCheck(allowedTypes: readonly string[]): CheckFn {
  const types = typeRule(allowedTypes);
  return (pod) => [...types(pod.securityContexts), ...userRule(pod.securityContexts), ...roleRule(pod.securityContexts)];
}

/** Custom SELinux users, roles or types can label a process out of container confinement. */
export const seLinuxOptions: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minVersion: 0, evaluate: seLinuxCheck(typesV1Dot0) },
    { minVersion: 31, evaluate: seLinuxCheck(typesV1Dot31) },
  ],
};
