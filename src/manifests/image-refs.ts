import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** The folders whose manifests (and the docs that quote them) name images. */
export const scannedFolders = ['scenarios', 'labs'];

const imageLine = /^\s*(?:-\s+)?image:\s*["']?([^\s"'#]+)["']?\s*(?:#.*)?$/gm;

/**
 * Every `image: <ref>` line in the lab's YAML (and in the YAML its Markdown
 * quotes) below `root`, with the files that name it (relative to `root`),
 * in file order. Only whole `image:` lines count, so prose that mentions the
 * field is no image. The one scanner of the product and tools/kind-node.
 */
export async function scanImageRefs(root: string, folders: readonly string[] = scannedFolders): Promise<Map<string, string[]>> {
  const refs = new Map<string, string[]>();
  for (const folder of folders) {
    for (const file of (await filesBelow(join(root, folder))).filter((path) => /\.(ya?ml|md)$/.test(path)).sort()) {
      for (const match of (await readFile(file, 'utf8')).matchAll(imageLine)) {
        const ref = match[1];
        // A pattern such as registry.example.internal/*@sha256:* in a debrief names no image.
        if (!ref || ref.includes('*')) continue;
        refs.set(ref, [...new Set([...(refs.get(ref) ?? []), relative(root, file)])]);
      }
    }
  }
  return refs;
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
