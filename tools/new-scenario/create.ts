import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { LabError } from '../../src/errors.js';

export const templateDir = join(dirname(fileURLToPath(import.meta.url)), 'template');

export interface NewScenario {
  id: string;
  track: string;
  title?: string;
  namespace?: string;
  /** Where the catalogue (scenarios/, labs/) and the tests (test/) live. */
  root: string;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Copies the commented template into scenarios/<id>/, its test into
 * test/integration/scenarios/<id>.test.ts, and appends the id to its track in
 * labs/tracks.yaml (keeping the file's comments). Returns the files it wrote.
 */
export async function createScenario(request: NewScenario): Promise<string[]> {
  const { id, track, root } = request;
  const namespace = request.namespace ?? id;
  for (const [what, value] of [['id', id], ['namespace', namespace]] as const) {
    if (!dnsLabel.test(value) || value.length > 63) throw new LabError(`the ${what} "${value}" is not a lowercase DNS label`, { fix: 'use a-z, 0-9 and -, e.g. rbac-overreach' });
  }
  const scenarioDir = join(root, 'scenarios', id);
  const testFile = join(root, 'test', 'integration', 'scenarios', `${id}.test.ts`);
  if (existsSync(scenarioDir)) throw new LabError(`scenarios/${id} already exists`, { fix: 'choose another id, or edit the existing scenario' });

  const tracksFile = join(root, 'labs', 'tracks.yaml');
  const tracks = parseDocument(await readFile(tracksFile, 'utf8'));
  const list = tracks.get('tracks') as YAMLSeq<YAMLMap> | undefined;
  const entry = isSeq(list) ? list.items.find((item) => isMap(item) && item.get('id') === track) : undefined;
  if (!entry) {
    const known = isSeq(list) ? list.items.map((item) => String(item.get('id'))).join(', ') : 'none';
    throw new LabError(`labs/tracks.yaml has no track "${track}"`, { fix: `use one of: ${known} (or add the track to labs/tracks.yaml first)` });
  }
  const scenarios = entry.get('scenarios') as YAMLSeq;
  scenarios.add(id);

  const title = request.title ?? `TODO: the title of ${id}`;
  // In YAML the title is a double-quoted scalar (JSON's syntax), so colons and quotes in it are safe.
  const placeholders: Record<string, string> = { __ID__: id, __NAMESPACE__: namespace, __TITLE__: title, __TITLE_YAML__: JSON.stringify(title) };
  const fill = (text: string) => text.replace(/__(ID|NAMESPACE|TITLE_YAML|TITLE)__/g, (name) => placeholders[name] ?? name);
  // Write into a scratch folder and rename, so a failed copy leaves no half-made scenario behind.
  const scratch = `${scenarioDir}.partial`;
  await cp(templateDir, scratch, { recursive: true });
  const written: string[] = [];
  for (const file of await filesUnder(scratch)) {
    await writeFile(file, fill(await readFile(file, 'utf8')));
  }
  await mkdir(dirname(testFile), { recursive: true });
  await rename(join(scratch, 'scenario.test.ts.template'), testFile);
  await rename(scratch, scenarioDir);
  await writeFile(tracksFile, tracks.toString());
  written.push(...(await filesUnder(scenarioDir)), testFile, tracksFile);
  return written.map((file) => relative(root, file));
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}
