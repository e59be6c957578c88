import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { standInFor, type ImageNames } from './names.js';
import { filesBelow } from './roots.js';
import { KindNodeError } from './run.js';

/** The folders whose manifests (and the docs that quote them) name images. */
export const scannedFolders = ['scenarios', 'labs'];

/**
 * Every `image: <ref>` line in the lab's YAML (and in the YAML its Markdown
 * quotes), with the files that name it. Only whole `image:` lines count, so
 * prose that mentions the field is no image.
 */
export async function scanImageRefs(root: string): Promise<Map<string, string[]>> {
  const refs = new Map<string, string[]>();
  for (const folder of scannedFolders) {
    for (const file of (await filesBelow(join(root, folder))).filter((path) => /\.(ya?ml|md)$/.test(path)).sort()) {
      for (const match of (await readFile(file, 'utf8')).matchAll(/^\s*(?:-\s+)?image:\s*["']?([^\s"'#]+)["']?\s*(?:#.*)?$/gm)) {
        const ref = match[1];
        if (!ref) continue;
        refs.set(ref, [...new Set([...(refs.get(ref) ?? []), relative(root, file)])]);
      }
    }
  }
  return refs;
}

/** The map from each scanned reference to its stand-in; fails naming every reference that has none. */
export function imageMapEntries(refs: Map<string, string[]>, names: ImageNames): [string, string][] {
  const entries: [string, string][] = [];
  const missing: string[] = [];
  for (const [ref, files] of [...refs].sort(([a], [b]) => a.localeCompare(b))) {
    const standIn = standInFor(ref, names);
    if (standIn) entries.push([ref, standIn]);
    else missing.push(`${ref} (in ${files.join(', ')})`);
  }
  if (missing.length > 0) {
    throw new KindNodeError(
      `no stand-in image for ${missing.join('; ')}: this machine cannot pull images`,
      'build one in tools/kind-node/standins.ts and map its repository in tools/kind-node/names.ts (standInFor)',
    );
  }
  return entries;
}

/**
 * The image map file. Its shape is read by the product (an image map rewrites
 * references when manifests are rendered): keep formatVersion 1 as it is.
 */
export function formatImageMap(entries: [string, string][]): string {
  const lines = entries.map(([from, to]) => `  ${JSON.stringify(from)}: ${JSON.stringify(to)}`);
  return [
    '# k8s-sec-lab image map: each key is an image reference exactly as the lab\'s manifests write it; the value replaces it.',
    'formatVersion: 1',
    'images:',
    ...lines,
    '',
  ].join('\n');
}

/** Writes the map atomically (scratch file + rename). */
export async function writeImageMap(path: string, entries: [string, string][]): Promise<void> {
  const scratch = `${path}.partial-${process.pid}`;
  await writeFile(scratch, formatImageMap(entries));
  await rename(scratch, path);
}
