import type { CheckDefinition } from '../check.js';
import { isUnset } from '../json.js';

const allowedSources = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

// Upstream's order when naming the restricted type of a volume.
const restrictedSources = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

const allowedText = allowedSources.join(', ');

/** Restricted pods may use only volume types that do not reach into the node or external storage directly. */
export const restrictedVolumes: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [
    {
      minVersion: 0,
      overrides: ['hostPathVolumes'],
      evaluate: (pod) =>
        pod.volumes.flatMap((volume) => {
          if (allowedSources.some((name) => !isUnset(volume.fields[name]))) return [];
          // A volume without any source is defaulted to emptyDir by the API server.
          const source = restrictedSources.find((name) => !isUnset(volume.fields[name]));
          if (source === undefined) return [];
          return [
            {
              path: `${volume.path}.${source}`,
              message: `${volume.label} uses restricted volume type ${JSON.stringify(source)}; allowed: ${allowedText}`,
              fix: `replace it with one of: ${allowedText}`,
            },
          ];
        }),
    },
  ],
};
