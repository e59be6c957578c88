import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogueRoot, loadCatalogue } from '../../src/catalogue/load.js';
import { addonManifests, addonNames } from '../../src/cluster/addons.js';
import { probeImage } from '../../src/cluster/netpol-probe.js';
import { podTemplateOf } from '../../src/engines/pod-security/workload.js';
import { admissionManifests, replayObjects } from '../../src/grading/admission-replay.js';
import { scenarioObjects } from '../../src/lifecycle/manifests.js';
import { parseImageMap } from '../../src/manifests/image-map.js';
import { scanImageRefs } from '../../src/manifests/image-refs.js';
import { packageRoot } from '../../src/lab-dirs.js';
import type { KubeObject, PodSpec } from '../../src/model/k8s.js';
import { freshLabEnv } from '../helpers/lab-home.js';

/** Every image of every container list of an object's pod spec. */
function imagesOf(object: KubeObject): string[] {
  const template = podTemplateOf(object);
  if (template.status !== 'template') return [];
  const spec = template.spec as PodSpec;
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((container) => container.image ?? '');
}

/**
 * The lab's own catalogue and add-ons, rendered at every render point with a
 * map of every image the scanner finds: no reference escapes the map. The
 * shapes themselves (every pod template and container list) are proven in
 * test/manifests/image-map.test.ts.
 */
describe('the image map at every render point', async () => {
  const refs = [...(await scanImageRefs(packageRoot)).keys()];
  const mapped = (index: number) => `local/mapped-${index}:k1`;
  const map = parseImageMap(`formatVersion: 1\nimages:\n${refs.map((ref, index) => `  "${ref}": ${mapped(index)}`).join('\n')}\n`, 'map.yaml');
  const isMapped = (image: string) => /^local\/mapped-\d+:k1$/.test(image);
  const catalogue = await loadCatalogue(defaultCatalogueRoot({}), freshLabEnv());

  it('scenario setup and solution manifests', async () => {
    let seen = 0;
    for (const scenario of catalogue.scenarios) {
      for (const which of ['setup', 'solution'] as const) {
        for (const image of (await scenarioObjects(scenario, which, map)).flatMap(imagesOf)) {
          expect(image, `${scenario.id} ${which}`).toSatisfy(isMapped);
          seen++;
        }
      }
    }
    expect(seen).toBeGreaterThan(5);
  });

  it('attack manifests that admission checks replay are judged as written, never through the map', async () => {
    let seen = 0;
    for (const scenario of catalogue.scenarios) {
      for (const check of scenario.checks.filter((each) => each.kind === 'admission-denied' || each.kind === 'admission-allowed')) {
        for (const manifest of admissionManifests(check as { manifest?: string; manifests?: string[] })) {
          const replay = await replayObjects(scenario, [manifest], 'ns');
          for (const image of ('objects' in replay ? replay.objects : []).flatMap(imagesOf)) {
            expect(image, `${scenario.id} ${manifest}`).not.toSatisfy(isMapped);
            expect(refs, `${scenario.id} ${manifest}`).toContain(image);
            seen++;
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('the lab add-ons, and the NetworkPolicy probe uses an image the scan finds', async () => {
    const images = (await Promise.all(addonNames.map((name) => addonManifests(name, map)))).flat().flatMap(imagesOf);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toSatisfy(isMapped);
    expect(refs).toContain(probeImage);
  });
});
