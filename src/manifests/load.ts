import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import { LabError } from '../errors.js';
import type { KubeObject } from '../model/k8s.js';

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
  const json = parseJson(text);
  if (json !== undefined) return toObjects(json, { file, line: 1 });
  return parseYamlQuickly(text, file) ?? parseYamlWithLines(text, file);
}

/** The `yaml` parser: it points an error at its line, at a sixth of the speed. */
export function parseYamlWithLines(text: string, file: string): LoadedObject[] {
  const objects: LoadedObject[] = [];
  // One pass to index line starts: looking each offset up stays linear for thousands of documents.
  const lines = new LineCounter();
  for (const document of parseAllDocuments(text, { prettyErrors: false, lineCounter: lines })) {
    const error = document.errors[0];
    if (error) {
      throw new LabError(`${file}:${lines.linePos(error.pos[0]).line}: invalid YAML: ${firstLine(error.message)}`, {
        fix: 'fix the document at that line',
      });
    }
    const line = document.contents ? lines.linePos(document.contents.range[0]).line : 1;
    objects.push(...toObjects(document.toJS(), { file, line }));
  }
  return objects;
}

/**
 * js-yaml with the YAML 1.2 core schema (as `yaml` reads it: no timestamps,
 * no merge keys), one document at a time: 8,000 pods parse in a fifth of a
 * second instead of two. A `---` at the start of a line always starts a
 * document (YAML forbids it inside content), so the text splits there and
 * each document's line is counted on the way. Anything unusual (directives,
 * `...` ends) or any error: undefined, and the `yaml` parser takes over.
 */
export function parseYamlQuickly(text: string, file: string): LoadedObject[] | undefined {
  const withoutBom = text.replace(/^\uFEFF/, '');
  if (/^(?:%|\.\.\.(?:\s|$))/m.test(withoutBom)) return undefined;
  const objects: LoadedObject[] = [];
  let line = 1;
  try {
    for (const document of withoutBom.split(/^(?=---(?:[ \t]|\r?$))/m)) {
      const value = loadYaml(document, { schema: CORE_SCHEMA });
      objects.push(...toObjects(value, { file, line: line + contentLineOffset(document) }));
      line += lineCount(document);
    }
  } catch (error) {
    if (error instanceof LabError) throw error;
    return undefined;
  }
  return objects;
}

/** Lines before a document's content: blank lines, comments, and a `---` with nothing after it. */
function contentLineOffset(document: string): number {
  const lines = document.split('\n');
  for (const [index, text] of lines.entries()) {
    const rest = index === 0 ? text.replace(/^---/, '') : text;
    if (rest.trim() !== '' && !rest.trimStart().startsWith('#')) return index;
  }
  return 0;
}

function lineCount(document: string): number {
  let count = 0;
  for (let at = document.indexOf('\n'); at !== -1; at = document.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * JSON (what `kubectl get -o json` writes) goes through JSON.parse, some 80
 * times faster than a YAML parser on a large list; anything that is not valid
 * JSON takes the YAML path, which also reports errors with their line.
 */
function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toObjects(value: unknown, source: ManifestSource): LoadedObject[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new LabError(`${source.file}:${source.line}: expected a Kubernetes object (a mapping with kind and metadata)`);
  }
  return expandLists(value as KubeObject).map((object) => ({ object, source }));
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
