import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioSchema } from '../../src/catalogue/schema.js';
import { checkIds } from '../../src/engines/check-ids.js';
import { admissionManifests } from '../../src/grading/admission-replay.js';
import { podTemplateOf } from '../../src/engines/pod-security/index.js';
import { loadManifests } from '../../src/manifests/load.js';
import type { Container, PodSpec } from '../../src/model/k8s.js';
import { packageRoot } from '../../src/lab-dirs.js';

// Draft scenarios (drafts/README.md) are not in the catalogue yet; this keeps them
// valid against today's schema and static rules until they move to scenarios/.
const draftsDir = join(packageRoot, 'drafts', 'scenarios');
const drafts = existsSync(draftsDir) ? (await readdir(draftsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name) : [];
const noStdin = async () => '';

describe.each(drafts)('draft scenario %s', (id) => {
  const dir = join(draftsDir, id);

  it('has a scenario.yaml that matches the schema, with known check IDs and existing files', async () => {
    const spec = scenarioSchema.parse(parse(await readFile(join(dir, 'scenario.yaml'), 'utf8')));
    expect(spec.id).toBe(id);
    for (const key of spec.references.checkIds) expect(checkIds, key).toHaveProperty(key);
    const checks = spec.checks.flatMap((check) => (check.kind === 'any-of' ? check.checks : [check]));
    for (const check of checks) {
      if (check.kind !== 'admission-denied' && check.kind !== 'admission-allowed') continue;
      for (const manifest of admissionManifests(check)) expect(existsSync(join(dir, manifest)), manifest).toBe(true);
    }
    for (const file of ['briefing.md', 'debrief.md', spec.setup.manifests, spec.solution.manifests]) expect(existsSync(join(dir, file)), file).toBe(true);
  });

  it('pins every container image of its setup and solution by digest', async () => {
    for (const folder of ['setup', 'solution']) {
      for (const { object } of await loadManifests(join(dir, folder), noStdin)) {
        const template = podTemplateOf(object);
        if (template.status !== 'template') continue;
        const spec = template.spec as PodSpec;
        for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Container[]) {
          expect(container.image, `${folder}: ${object.kind} ${object.metadata?.name}`).toContain('@sha256:');
        }
      }
    }
  });
});
