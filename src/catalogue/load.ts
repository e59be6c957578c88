import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LabError } from '../errors.js';
import { codeDir, labCacheDir, packageRoot } from '../lab-dirs.js';
import { version } from '../version.js';
import type { Catalogue, Scenario } from './types.js';

export type { Catalogue, Scenario, Track } from './types.js';

/** The catalogue shipped with the package: <package>/scenarios and <package>/labs. */
export function defaultCatalogueRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.K8S_SEC_LAB_CATALOGUE || packageRoot;
}

/**
 * Loads the catalogue, validated. Validation (YAML parsing and the schema)
 * costs more than the rest of a `list`, so its result is cached under the
 * lab's cache directory, keyed by a hash of every catalogue file and the lab
 * version: any edit by an author, or a new release, validates again.
 */
export async function loadCatalogue(root = defaultCatalogueRoot(), env: NodeJS.ProcessEnv = process.env): Promise<Catalogue> {
  const fingerprint = await catalogueFingerprint(root);
  const cacheFile = join(labCacheDir(env), 'catalogue', `${fingerprint}.json`);
  const cached = await readCache(cacheFile, root);
  if (cached) return cached;
  const { validateCatalogue } = await import('./validate.js');
  const catalogue = await validateCatalogue(root);
  await writeCache(cacheFile, catalogue).catch(() => undefined);
  return catalogue;
}

export function findScenario(catalogue: Catalogue, id: string): Scenario {
  const scenario = catalogue.scenarios.find((candidate) => candidate.id === id);
  if (scenario) return scenario;
  throw new LabError(`no scenario "${id}"`, {
    fix: `choose one of: ${catalogue.scenarios.map((candidate) => candidate.id).join(', ')} (see \`k8s-sec-lab list\`)`,
  });
}

/** Everything validation reads or checks for: the tracks file, every file (name and content) under scenarios/, and the validating code. */
export async function catalogueFingerprint(root: string, code?: string): Promise<string> {
  const hash = createHash('sha256').update(`k8s-sec-lab ${version}\n`).update(code ?? (await validatingCode()));
  const files = [join(root, 'labs', 'tracks.yaml')];
  const scenariosDir = join(root, 'scenarios');
  if (existsSync(scenariosDir)) {
    const entries = await readdir(scenariosDir, { recursive: true, withFileTypes: true });
    files.push(...entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort());
  }
  for (const file of files) {
    hash.update(`${relative(root, file)}\n`);
    hash.update(await readFile(file).catch(() => Buffer.from('<missing>')));
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * A hash of the code that validates a catalogue (the schema here, the check
 * kinds in grading/), so a lab whose validation changed, even without a new
 * version number, never serves a catalogue its old code accepted.
 */
async function validatingCode(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of [join(codeDir, 'catalogue'), join(codeDir, 'grading')]) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile() && /\.(js|ts)$/.test(entry.name)).map((entry) => join(entry.parentPath, entry.name)).sort();
    for (const file of files) hash.update(relative(dir, file)).update(await readFile(file));
  }
  return hash.digest('hex');
}

/** Scenario folders are stored relative to the root, so a moved checkout still hits its cache. */
interface CachedCatalogue {
  tracks: { id: string; title: string; description?: string; scenarios: (Omit<Scenario, 'dir'> & { dir: string })[] }[];
}

async function readCache(file: string, root: string): Promise<Catalogue | undefined> {
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as CachedCatalogue;
    const tracks = cached.tracks.map((track) => ({ ...track, scenarios: track.scenarios.map((scenario) => ({ ...scenario, dir: join(root, scenario.dir) })) }));
    return { root, tracks, scenarios: tracks.flatMap((track) => track.scenarios) };
  } catch {
    return undefined;
  }
}

async function writeCache(file: string, catalogue: Catalogue): Promise<void> {
  const cached: CachedCatalogue = {
    tracks: catalogue.tracks.map((track) => ({ ...track, scenarios: track.scenarios.map((scenario) => ({ ...scenario, dir: relative(catalogue.root, scenario.dir) })) })),
  };
  await mkdir(join(file, '..'), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(cached));
  await rename(temp, file);
}
