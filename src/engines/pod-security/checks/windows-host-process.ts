import type { CheckDefinition } from '../check.js';
import { isUnsetOrFalse, show } from '../json.js';
import { securityContextRule } from './field-rule.js';

const hostProcess = securityContextRule('windowsOptions.hostProcess', isUnsetOrFalse, (owner, value) => ({
  message: `${owner} sets windowsOptions.hostProcess=${show(value)}; allowed: false or unset`,
  fix: 'remove securityContext.windowsOptions.hostProcess (or set it to false)',
}));

/** A Windows HostProcess container runs directly on the node with host privileges. */
export const windowsHostProcess: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minVersion: 0, evaluate: (pod) => hostProcess(pod.securityContexts) }],
};
