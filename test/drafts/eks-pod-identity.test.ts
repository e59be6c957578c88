import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioSchema } from '../../src/catalogue/schema.js';
import { packageRoot } from '../../src/lab-dirs.js';

// eks-pod-identity is a draft: it is not in the catalogue until solve can write the
// association (k8s-sec-lab-system) and kind runs its probes. drafts.test.ts keeps every
// draft valid (schema, check IDs, files, pinned images); this adds what is its own.
const dir = join(packageRoot, 'drafts', 'scenarios', 'eks-pod-identity');

describe('draft scenario eks-pod-identity', () => {
  it('needs the pod-identity add-on after imds, and grades with the pod-identity kinds', async () => {
    const spec = scenarioSchema.parse(parse(await readFile(join(dir, 'scenario.yaml'), 'utf8')));
    expect(spec.addons).toEqual(['imds', 'pod-identity']);
    expect(spec.checks.map((check) => check.kind)).toEqual(expect.arrayContaining(['pod-identity-association', 'pod-identity-client']));
  });
});
