import { exceptUserNamespacePods, type CheckDefinition } from '../check.js';
import { isUnset, show } from '../json.js';
import { securityContextRule } from './field-rule.js';

function procMountRule(allowed: string) {
  return securityContextRule('procMount', (value) => isUnset(value) || value === 'Default', (owner, value) => ({
    message: `${owner} sets procMount=${show(value)}; allowed: ${allowed}`,
    fix: 'remove securityContext.procMount (or set it to Default) so /proc stays masked',
  }));
}

const alwaysMasked = procMountRule('Default or unset');
const maskedOnHostUsers = procMountRule('Default or unset (any value when spec.hostUsers is false)');
const maskedEvenInUserNamespace = procMountRule('Default or unset, even when spec.hostUsers is false');

/** An unmasked /proc exposes kernel interfaces the default masks hide; user namespaces make it safe from 1.35. */
export const procMount: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minVersion: 0, evaluate: (pod) => alwaysMasked(pod.containerSecurityContexts) },
    { minVersion: 35, evaluate: exceptUserNamespacePods((pod) => maskedOnHostUsers(pod.containerSecurityContexts)) },
  ],
};

/** Restricted keeps /proc masked even in a user namespace, replacing the relaxed baseline check from 1.35. */
export const procMountRestricted: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [
    {
      minVersion: 35,
      evaluate: (pod) => maskedEvenInUserNamespace(pod.containerSecurityContexts),
      overrides: ['procMount'],
    },
  ],
};
