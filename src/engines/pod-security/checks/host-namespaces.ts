import type { CheckDefinition } from '../check.js';
import { isUnsetOrFalse, show } from '../json.js';
import type { FieldViolation } from '../types.js';

const sharedNamespace = { hostNetwork: 'network', hostPID: 'process (PID)', hostIPC: 'IPC' } as const;
const namespaceFields = Object.keys(sharedNamespace) as (keyof typeof sharedNamespace)[];

/** Sharing the node's network, PID or IPC namespace lets a pod see and reach host processes. */
export const hostNamespaces: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      evaluate: (pod) => {
        const violations: FieldViolation[] = [];
        for (const field of namespaceFields) {
          const value = pod.spec[field];
          if (isUnsetOrFalse(value)) continue;
          violations.push({
            path: `${pod.paths.spec}.${field}`,
            message: `${field}=${show(value)} shares the node's ${sharedNamespace[field]} namespace; allowed: false or unset`,
            fix: `remove spec.${field} (or set it to false)`,
          });
        }
        return violations;
      },
    },
  ],
};
