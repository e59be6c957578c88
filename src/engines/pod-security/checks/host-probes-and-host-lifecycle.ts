import type { CheckDefinition } from '../check.js';
import { isUnsetOrEmpty, objectOrEmpty, show, type JsonObject } from '../json.js';
import type { FieldViolation } from '../types.js';

const probeFields = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const lifecycleFields = ['postStart', 'preStop'] as const;
const handlerKinds = ['httpGet', 'tcpSocket'] as const;

/** The handlers whose `host` the check reads, with their path below the container. */
function handlersOf(container: JsonObject): { field: string; handler: JsonObject }[] {
  const lifecycle = objectOrEmpty(container.lifecycle);
  return [
    ...probeFields.map((field) => ({ field, handler: objectOrEmpty(container[field]) })),
    ...lifecycleFields.map((field) => ({ field: `lifecycle.${field}`, handler: objectOrEmpty(lifecycle[field]) })),
  ];
}

/** A probe or lifecycle hook with a host makes the kubelet connect anywhere on the pod's behalf (SSRF). */
export const hostProbesAndHostLifecycle: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [
    {
      minVersion: 34,
      evaluate: (pod) => {
        const violations: FieldViolation[] = [];
        for (const container of pod.containers) {
          for (const { field, handler } of handlersOf(container.fields)) {
            for (const kind of handlerKinds) {
              const host = objectOrEmpty(handler[kind]).host;
              if (isUnsetOrEmpty(host)) continue;
              violations.push({
                path: `${container.path}.${field}.${kind}.host`,
                message: `${container.label} ${field}.${kind} targets host ${show(host)}; allowed: empty or unset (the pod's own IP)`,
                fix: `remove ${field}.${kind}.host so the kubelet connects to the pod itself`,
              });
            }
          }
        }
        return violations;
      },
    },
  ],
};
