import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LabError } from '../errors.js';
import { noImageMap, parseImageMap, type ImageMap } from './image-map.js';

/** The variable that names an image map when `--image-map` is not given. */
export const imageMapVariable = 'K8S_SEC_LAB_IMAGE_MAP';

/** Where the image map comes from: `--image-map`, else $K8S_SEC_LAB_IMAGE_MAP, else none. */
export function imageMapSource(option: string | undefined, env: NodeJS.ProcessEnv): { file: string; from: string } | undefined {
  if (option) return { file: resolve(option), from: '--image-map' };
  const fromEnv = env[imageMapVariable];
  return fromEnv ? { file: resolve(fromEnv), from: `$${imageMapVariable}` } : undefined;
}

/** Reads and validates the chosen image map; no map rewrites nothing. */
export async function loadImageMap(option: string | undefined, env: NodeJS.ProcessEnv): Promise<ImageMap> {
  const source = imageMapSource(option, env);
  if (!source) return noImageMap;
  let text: string;
  try {
    text = await readFile(source.file, 'utf8');
  } catch (error) {
    throw new LabError(`cannot read the image map ${source.file} (from ${source.from}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      fix: `give an existing file to ${source.from}, or leave it unset to use the images as the manifests write them`,
    });
  }
  return parseImageMap(text, source.file);
}
