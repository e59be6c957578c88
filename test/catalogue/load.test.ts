import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueFingerprint, findScenario, loadCatalogue } from '../../src/catalogue/load.js';
import { LabError } from '../../src/errors.js';
import { fixtureCatalogue } from '../helpers/fixtures.js';
import { freshLabEnv } from '../helpers/lab-home.js';

async function copyOfFixtures(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'catalogue-'));
  await cp(fixtureCatalogue, root, { recursive: true });
  return root;
}

async function editScenario(root: string, id: string, edit: (text: string) => string): Promise<void> {
  const file = join(root, 'scenarios', id, 'scenario.yaml');
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

async function problemsOf(root: string): Promise<string> {
  const error = await loadCatalogue(root, freshLabEnv()).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LabError);
  return (error as LabError).message;
}

describe('loadCatalogue', () => {
  it('orders scenarios by track and keeps their texts', async () => {
    const catalogue = await loadCatalogue(fixtureCatalogue, freshLabEnv());
    expect(catalogue.scenarios.map((scenario) => scenario.id)).toEqual(['fixable', 'always-pass', 'wrong-refusal', 'missing-namespace']);
    expect(findScenario(catalogue, 'fixable').briefing).toContain('# Fixable fixture');
  });

  it('names the file, line and field path of a schema error', async () => {
    const root = await copyOfFixtures();
    await editScenario(root, 'always-pass', (text) => text.replace('hints: { nudge: a, concept: b, command: c }', 'hints: { nudge: a, concept: b }'));
    expect(await problemsOf(root)).toMatch(/scenarios\/always-pass\/scenario\.yaml:18: checks\[0\]\.hints\.command: /);
  });

  it('reports every problem at once: duplicate check ids, missing files, unknown track members', async () => {
    const root = await copyOfFixtures();
    await editScenario(root, 'fixable', (text) => text.replace('id: namespace-enforces', 'id: pods-restricted').replace('manifest: attack/privileged-pod.yaml', 'manifest: attack/nope.yaml'));
    await writeFile(join(root, 'labs', 'tracks.yaml'), 'formatVersion: 1\ntracks:\n  - { id: t, title: T, scenarios: [fixable, always-pass, wrong-refusal, missing-namespace, ghost] }\n');
    const message = await problemsOf(root);
    expect(message).toContain('the id "pods-restricted" is used twice');
    expect(message).toContain('attack/nope.yaml does not exist');
    expect(message).toContain('no scenario "ghost" in scenarios/');
  });

  it('requires a placeholder for a manifest flag only: an imds flag needs the imds add-on and no placeholder', async () => {
    const root = await copyOfFixtures();
    await editScenario(root, 'fixable', (text) => text.replace('    where: the token the web pods read from their Secret', '    where: the token the web pods read from their Secret\n    plantedBy: imds'));
    const message = await problemsOf(root);
    expect(message).toContain('flags (web-token): plantedBy imds needs the imds add-on (addons: [imds])');
    expect(message).toContain('flags (web-token): plantedBy imds, but a setup manifest plants it too');
    expect(message).not.toContain('no setup manifest plants it');
  });

  it('refuses a scenario namespace the lab must never own', async () => {
    const root = await copyOfFixtures();
    await editScenario(root, 'always-pass', (text) => text.replace('namespaces: [fx-pass]', 'namespaces: [kube-system]'));
    expect(await problemsOf(root)).toContain('namespaces[0]: is a namespace the lab never owns');
  });

  it('points a YAML syntax error at its line', async () => {
    const root = await copyOfFixtures();
    await editScenario(root, 'always-pass', (text) => text.replace('minutes: 1', 'minutes: [1'));
    expect(await problemsOf(root)).toMatch(/always-pass\/scenario\.yaml:\d+: invalid YAML/);
  });

  it('serves a validated catalogue from its cache, and validates again after any edit', async () => {
    const root = await copyOfFixtures();
    const env = { K8S_SEC_LAB_HOME: await mkdtemp(join(tmpdir(), 'home-')) };
    const first = await loadCatalogue(root, env);
    const cacheDir = join(env.K8S_SEC_LAB_HOME, 'cache', 'catalogue');
    expect(await readdir(cacheDir)).toHaveLength(1);
    expect(await loadCatalogue(root, env)).toEqual(first);

    await editScenario(root, 'always-pass', (text) => text.replace('minutes: 1', 'minutes: -1'));
    await expect(loadCatalogue(root, env)).rejects.toThrow(/always-pass\/scenario\.yaml:\d+: minutes: /);
  });

  it('keys the cache by the validating code too, so an upgraded lab never serves an old validation', async () => {
    const root = await copyOfFixtures();
    expect(await catalogueFingerprint(root, 'schema of lab A')).not.toBe(await catalogueFingerprint(root, 'schema of lab B'));
    expect(await catalogueFingerprint(root)).toBe(await catalogueFingerprint(root));
  });

  it('suggests the known ids for an unknown scenario', async () => {
    const catalogue = await loadCatalogue(fixtureCatalogue, freshLabEnv());
    expect(() => findScenario(catalogue, 'nope')).toThrow(/no scenario "nope"/);
  });
});

describe('namespaces across scenarios', () => {
  it('refuses two scenarios that share a namespace, since reset deletes it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'catalogue-'));
    await cp(fixtureCatalogue, root, { recursive: true });
    const file = join(root, 'scenarios', 'always-pass', 'scenario.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('namespaces: [fx-pass]', 'namespaces: [fx-app]'));
    await expect(loadCatalogue(root, { K8S_SEC_LAB_HOME: root })).rejects.toThrow('scenarios/fixable/scenario.yaml: namespaces: "fx-app" already belongs to scenario "always-pass"');
  });
});
