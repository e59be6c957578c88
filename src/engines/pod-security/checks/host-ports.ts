import type { CheckDefinition } from '../check.js';
import { isUnset, listOf, objectOrEmpty, show } from '../json.js';
import type { FieldViolation } from '../types.js';

/** A hostPort binds a port on the node itself, bypassing Services and NetworkPolicy. */
export const hostPorts: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      evaluate: (pod) => {
        const violations: FieldViolation[] = [];
        for (const container of pod.containers) {
          listOf(container.fields.ports).forEach((port, index) => {
            const hostPort = objectOrEmpty(port).hostPort;
            if (isUnset(hostPort) || hostPort === 0) return;
            violations.push({
              path: `${container.path}.ports[${index}].hostPort`,
              message: `${container.label} uses hostPort ${show(hostPort)}; allowed: 0 or unset`,
              fix: 'remove hostPort and reach the pod through a Service',
            });
          });
        }
        return violations;
      },
    },
  ],
};
