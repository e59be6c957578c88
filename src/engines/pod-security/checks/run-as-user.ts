import { exceptUserNamespacePods, type CheckDefinition, type CheckFn } from '../check.js';
import { isUnset, show } from '../json.js';
import { securityContextRule } from './field-rule.js';

const notRoot = securityContextRule('runAsUser', (uid) => isUnset(uid) || (typeof uid === 'number' && uid !== 0), (owner, uid) => ({
  message: `${owner} sets runAsUser=${show(uid)}; allowed: a non-zero UID or unset`,
  fix: 'set securityContext.runAsUser to a non-zero UID (e.g. 65532), or remove it and use a non-root image USER',
}));

const anyContext: CheckFn = (pod) => notRoot(pod.securityContexts);

/** Containers must not run as UID 0, unless the pod runs in a user namespace (1.35+). */
export const runAsUser: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minVersion: 23, evaluate: anyContext },
    { minVersion: 35, evaluate: exceptUserNamespacePods(anyContext) },
  ],
};
