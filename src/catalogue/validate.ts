import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { LabError } from '../errors.js';
import { formatPath, offsetOfPath } from '../manifests/yaml-paths.js';
import { admissionManifests } from '../grading/admission-replay.js';
import { plantedIds } from './flag-syntax.js';
import { scenarioSchema, tracksSchema } from './schema.js';
import type { Catalogue, Scenario, Track } from './types.js';

/**
 * Reads and validates labs/tracks.yaml and every scenarios/<id>/scenario.yaml.
 * All problems are collected and reported together, each naming the file,
 * the line and the field path, so an author fixes them in one pass.
 */
export async function validateCatalogue(root: string): Promise<Catalogue> {
  const problems: string[] = [];
  const scenarios = new Map<string, Scenario>();
  const scenariosDir = join(root, 'scenarios');
  const folders = existsSync(scenariosDir)
    ? (await readdir(scenariosDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()
    : [];
  for (const folder of folders) {
    const scenario = await loadScenario(root, join(scenariosDir, folder), problems);
    if (scenario) scenarios.set(scenario.id, scenario);
  }
  // A scenario that failed to load is reported once, above: tracks that name it are not wrong too.
  const invalid = new Set(folders.filter((folder) => ![...scenarios.values()].some((scenario) => scenario.id === folder)));

  // Reset deletes a scenario's namespaces, and scenarios run side by side: no two may share one.
  const owners = new Map<string, string>();
  for (const scenario of scenarios.values()) {
    for (const namespace of scenario.namespaces) {
      const owner = owners.get(namespace);
      if (owner) problems.push(`scenarios/${scenario.id}/scenario.yaml: namespaces: "${namespace}" already belongs to scenario "${owner}"`);
      else owners.set(namespace, scenario.id);
    }
  }

  const tracksFile = join(root, 'labs', 'tracks.yaml');
  const tracksSpec = await readValidated(root, tracksFile, tracksSchema, problems);
  const tracks: Track[] = [];
  const placed = new Set<string>();
  for (const [index, track] of (tracksSpec?.tracks ?? []).entries()) {
    const members: Scenario[] = [];
    for (const [position, id] of track.scenarios.entries()) {
      const scenario = scenarios.get(id);
      if (!scenario) {
        if (!invalid.has(id)) problems.push(`${relative(root, tracksFile)}: tracks[${index}].scenarios[${position}]: no scenario "${id}" in scenarios/`);
      }
      else if (placed.has(id)) problems.push(`${relative(root, tracksFile)}: tracks[${index}].scenarios[${position}]: "${id}" is already in an earlier track`);
      else {
        placed.add(id);
        members.push(scenario);
      }
    }
    tracks.push({ id: track.id, title: track.title, ...(track.description ? { description: track.description } : {}), scenarios: members });
  }
  for (const id of scenarios.keys()) {
    if (!placed.has(id)) problems.push(`${relative(root, tracksFile)}: scenario "${id}" is in no track; add it where it belongs in the curriculum`);
  }

  if (problems.length > 0) {
    throw new LabError(`the scenario catalogue in ${root} is invalid:\n  ${problems.join('\n  ')}`, {
      fix: 'correct the files named above (npm run lint:scenarios checks them all)',
    });
  }
  return { root, tracks, scenarios: tracks.flatMap((track) => track.scenarios) };
}

async function loadScenario(root: string, dir: string, problems: string[]): Promise<Scenario | undefined> {
  const file = join(dir, 'scenario.yaml');
  const spec = await readValidated(root, file, scenarioSchema, problems);
  if (!spec) return undefined;
  const where = relative(root, file);
  const folder = relative(join(root, 'scenarios'), dir);
  const before = problems.length;
  if (spec.id !== folder) problems.push(`${where}: id: "${spec.id}" must equal its folder name "${folder}"`);

  const checkIds = spec.checks.flatMap((check) => [check.id, ...(check.kind === 'any-of' ? check.checks.map((sub) => sub.id) : [])]);
  for (const [index, id] of checkIds.entries()) {
    if (checkIds.indexOf(id) !== index) problems.push(`${where}: checks: the id "${id}" is used twice`);
  }
  for (const path of [spec.setup.manifests, spec.solution.manifests, 'briefing.md', 'debrief.md']) {
    if (!existsSync(join(dir, path))) problems.push(`${where}: ${path} does not exist in ${relative(root, dir)}/`);
  }
  for (const check of spec.checks.flatMap((check) => (check.kind === 'any-of' ? check.checks : [check]))) {
    if (check.kind !== 'admission-denied' && check.kind !== 'admission-allowed') continue;
    for (const manifest of admissionManifests(check)) {
      if (!existsSync(join(dir, manifest))) problems.push(`${where}: checks (${check.id}).manifest: ${manifest} does not exist`);
    }
  }
  await checkFlagsPlanted(where, join(dir, spec.setup.manifests), spec.flags, spec.addons, problems);
  if (problems.length > before) return undefined;
  const [briefing, debrief] = await Promise.all([readFile(join(dir, 'briefing.md'), 'utf8'), readFile(join(dir, 'debrief.md'), 'utf8')]);
  return { ...spec, dir, briefing, debrief };
}

/** Every flag is planted by a ${K8SLAB_FLAG:<id>} in the setup, and every placeholder there names a declared flag. */
async function checkFlagsPlanted(where: string, setupDir: string, flags: readonly { id: string; plantedBy: string }[], addons: readonly string[], problems: string[]): Promise<void> {
  const texts = existsSync(setupDir)
    ? await Promise.all((await readdir(setupDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')))
    : [];
  const planted = new Set(texts.flatMap(plantedIds));
  const declared = new Set(flags.filter((flag) => flag.plantedBy === 'manifest').map((flag) => flag.id));
  for (const flag of flags) {
    if (flag.plantedBy === 'imds' && !addons.includes('imds')) problems.push(`${where}: flags (${flag.id}): plantedBy imds needs the imds add-on (addons: [imds])`);
    if (flag.plantedBy !== 'manifest' && planted.has(flag.id)) problems.push(`${where}: flags (${flag.id}): plantedBy ${flag.plantedBy}, but a setup manifest plants it too`);
  }
  for (const id of declared) if (!planted.has(id)) problems.push(`${where}: flags (${id}): no setup manifest plants it (write \${K8SLAB_FLAG:${id}} where the attack leads)`);
  const ids = flags.map((flag) => flag.id);
  for (const id of planted) if (!ids.includes(id)) problems.push(`${where}: setup plants \${K8SLAB_FLAG:${id}}, but flags declares no "${id}"`);
  for (const [index, id] of ids.entries()) if (ids.indexOf(id) !== index) problems.push(`${where}: flags: the id "${id}" is used twice`);
}

async function readValidated<S extends z.ZodType>(root: string, file: string, schema: S, problems: string[]): Promise<z.infer<S> | undefined> {
  const where = relative(root, file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    problems.push(`${where}: missing`);
    return undefined;
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    problems.push(`${where}:${lines.linePos(syntaxError.pos[0]).line}: invalid YAML: ${syntaxError.message.split('\n')[0]}`);
    return undefined;
  }
  const result = schema.safeParse(document.toJS());
  if (result.success) return result.data as z.infer<S>;
  for (const issue of result.error.issues) {
    const line = lines.linePos(offsetOfPath(document, issue.path)).line;
    problems.push(`${where}:${line}: ${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  return undefined;
}
