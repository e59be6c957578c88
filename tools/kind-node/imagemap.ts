import { rename, writeFile } from 'node:fs/promises';
import { standInFor, type ImageNames } from './names.js';
import { KindNodeError } from './run.js';

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
