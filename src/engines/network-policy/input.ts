import type { KubeObject } from '../../model/k8s.js';
import type { NetworkModelInput } from './model.js';

/** Sorts loaded objects into what the model reads; every other kind is ignored. */
export function networkInputFromObjects(objects: readonly KubeObject[]): Required<NetworkModelInput> {
  return {
    namespaces: objects.filter((object) => object.kind === 'Namespace'),
    pods: objects.filter((object) => object.kind === 'Pod'),
    policies: objects.filter((object) => object.kind === 'NetworkPolicy'),
  };
}
