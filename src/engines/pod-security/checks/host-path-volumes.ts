import type { CheckDefinition } from '../check.js';
import { isUnset, objectOrEmpty, show } from '../json.js';

const hostPathFix = 'replace the hostPath volume with an emptyDir, configMap, secret or persistentVolumeClaim volume';

/** A hostPath volume exposes the node's filesystem to the pod. */
export const hostPathVolumes: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      evaluate: (pod) =>
        pod.volumes
          .filter((volume) => !isUnset(volume.fields.hostPath))
          .map((volume) => ({
            path: `${volume.path}.hostPath`,
            message: `${volume.label} mounts host path ${show(objectOrEmpty(volume.fields.hostPath).path)}; allowed: no hostPath volumes`,
            fix: hostPathFix,
          })),
    },
  ],
};
