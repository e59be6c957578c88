import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { LabError } from '../errors.js';
import type { KubeObject } from '../model/k8s.js';
import { lineAt } from '../util/lines.js';

/** Where an object came from, so messages can point the learner at it. */
export interface ManifestSource {
  file: string;
  line: number;
}

export interface LoadedObject {
  object: KubeObject;
  source: ManifestSource;
}

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

/** Reads every YAML/JSON document under a file, a directory (recursively) or `-` (stdin). */
export async function loadManifests(target: string, readStdin: () => Promise<string>): Promise<LoadedObject[]> {
  if (target === '-') return parseManifests(await readStdin(), '<stdin>');
  const files = await manifestFiles(target);
  const loaded: LoadedObject[] = [];
  for (const file of files) loaded.push(...parseManifests(await readFile(file, 'utf8'), file));
  return loaded;
}

async function manifestFiles(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => {
    throw new LabError(`no such file or directory: ${target}`, { fix: 'pass a manifest file, a directory of them, or - for stdin' });
  });
  if (info.isFile()) return [target];
  const entries = await readdir(target, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && manifestExtensions.has(extname(entry.name)))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  if (files.length === 0) {
    throw new LabError(`no .yaml, .yml or .json files in ${target}`);
  }
  return files;
}

/**
 * Parses multi-document YAML (JSON is YAML) and expands `kind: List` and
 * typed lists (`PodList` items often omit their own kind).
 */
export function parseManifests(text: string, file: string): LoadedObject[] {
  const objects: LoadedObject[] = [];
  for (const document of parseAllDocuments(text, { prettyErrors: false })) {
    const error = document.errors[0];
    if (error) {
      // Without prettyErrors the parser leaves linePos unset; the offset is always there.
      const line = error.linePos?.[0].line ?? lineAt(text, error.pos[0]);
      throw new LabError(`${file}:${line}: invalid YAML: ${firstLine(error.message)}`, {
        fix: 'fix the document at that line',
      });
    }
    const line = document.contents ? lineAt(text, document.contents.range[0]) : 1;
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new LabError(`${file}:${line}: expected a Kubernetes object (a mapping with kind and metadata)`);
    }
    for (const object of expandLists(value as KubeObject)) objects.push({ object, source: { file, line } });
  }
  return objects;
}

function expandLists(object: KubeObject): KubeObject[] {
  const items = object.items;
  if (!Array.isArray(items)) return [object];
  const itemKind = object.kind && object.kind !== 'List' && object.kind.endsWith('List')
    ? object.kind.slice(0, -'List'.length)
    : undefined;
  return (items as KubeObject[]).flatMap((item) =>
    expandLists(item.kind || !itemKind ? item : { kind: itemKind, ...item }),
  );
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
