import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { podTemplateOf } from '../engines/pod-security/workload.js';
import { LabError } from '../errors.js';
import type { Container, KubeObject, PodSpec } from '../model/k8s.js';
import { formatPath, offsetOfPath } from './yaml-paths.js';

/**
 * Image references to replace when manifests are rendered (an air-gapped
 * workshop's local images, a corporate mirror): each key is a reference
 * exactly as the lab's manifests write it; the value replaces it.
 */
export interface ImageMap {
  /** The file it came from, for messages; undefined for no map. */
  file?: string;
  images: ReadonlyMap<string, string>;
}

export const noImageMap: ImageMap = { images: new Map() };

const imageRef = z.string().regex(/^\S+$/, 'must be an image reference without spaces');

/** The file format tools/kind-node writes (formatVersion 1). */
const imageMapSchema = z
  .object({
    formatVersion: z.literal(1, 'must be 1 (the only format this version of k8s-sec-lab reads)'),
    images: z.record(imageRef, imageRef),
  })
  .strict();

export const imageMapFix = 'an image map is YAML: `formatVersion: 1` and `images:` mapping each reference as the manifests write it to its replacement (`k8s-sec-lab images` lists them)';

/** Parses and validates an image map; every problem names the file and line. */
export function parseImageMap(text: string, file: string): ImageMap {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    throw new LabError(`${file}:${lines.linePos(syntaxError.pos[0]).line}: invalid YAML: ${syntaxError.message.split('\n')[0]}`, { fix: imageMapFix });
  }
  const result = imageMapSchema.safeParse(document.toJS());
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      return `${file}:${lines.linePos(offsetOfPath(document, path)).line}: ${formatPath(path) || '(top level)'}: ${issue.message}`;
    });
    throw new LabError(`invalid image map: ${problems.join('; ')}`, { fix: imageMapFix });
  }
  return { file, images: new Map(Object.entries(result.data.images)) };
}

/** The replacement of one reference; an unmapped reference stays as written. */
export function mapImage(map: ImageMap, ref: string): string {
  return map.images.get(ref) ?? ref;
}

const containerLists = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/**
 * The object with the image of every container, init container and ephemeral
 * container of its pod spec (a Pod's own, or a workload's pod template)
 * replaced through the map. The one rewrite every render point uses; the
 * input is left untouched.
 */
export function rewriteImages<T extends KubeObject>(object: T, map: ImageMap): T {
  if (map.images.size === 0 || podTemplateOf(object).status !== 'template') return object;
  const copy = structuredClone(object);
  const template = podTemplateOf(copy);
  if (template.status !== 'template') return copy;
  const spec = template.spec as PodSpec;
  for (const list of containerLists) {
    const containers: unknown = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const container of containers as Container[]) {
      if (typeof container?.image === 'string') container.image = mapImage(map, container.image);
    }
  }
  return copy;
}
