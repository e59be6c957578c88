import { join } from 'node:path';
import type { Scenario } from '../catalogue/load.js';
import { managedByLabel, managedByValue, scenarioLabel } from '../names.js';
import { LabError } from '../errors.js';
import { resourceType } from '../kube/resources.js';
import { rewriteImages, type ImageMap } from '../manifests/image-map.js';
import { loadManifests } from '../manifests/load.js';
import type { KubeObject } from '../model/k8s.js';

const noStdin = async () => '';

/**
 * A scenario's setup or solution objects, labelled as the lab's and checked
 * to stay inside the scenario: namespaced objects must live in one of its
 * namespaces (so reset can remove them), and every kind must be one the lab
 * knows. Their images go through the image map. Namespaces come first so
 * everything else has somewhere to go.
 */
export async function scenarioObjects(scenario: Scenario, which: 'setup' | 'solution', images: ImageMap): Promise<KubeObject[]> {
  const folder = which === 'setup' ? scenario.setup.manifests : scenario.solution.manifests;
  const loaded = await loadManifests(join(scenario.dir, folder), noStdin);
  const objects = loaded.map(({ object, source }) => {
    const where = `${source.file}:${source.line}`;
    const type = resourceType(object.apiVersion, object.kind);
    if (!type) throw new LabError(`${where}: the lab does not know ${object.apiVersion} ${object.kind}`);
    if (!object.metadata?.name) throw new LabError(`${where}: ${object.kind} has no metadata.name`);
    const namespace = type.namespaced ? object.metadata.namespace : undefined;
    if (type.namespaced && (!namespace || !scenario.namespaces.includes(namespace))) {
      throw new LabError(`${where}: ${object.kind} ${object.metadata.name} must set metadata.namespace to one of the scenario's namespaces (${scenario.namespaces.join(', ')})`);
    }
    return withLabLabels(rewriteImages(object, images), scenario.id);
  });
  return [...objects.filter((object) => object.kind === 'Namespace'), ...objects.filter((object) => object.kind !== 'Namespace')];
}

/** The scenario's namespaces as objects, labelled so the lab recognizes them. */
export function scenarioNamespaces(scenario: Scenario): KubeObject[] {
  return scenario.namespaces.map((name) => withLabLabels({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, scenario.id));
}

export function withLabLabels(object: KubeObject, scenarioId: string): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata?.labels, [managedByLabel]: managedByValue, [scenarioLabel]: scenarioId },
    },
  };
}
