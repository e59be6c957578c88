import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixture scenario catalogue (see its README): one scenario per grading outcome. */
export const fixtureCatalogue = fileURLToPath(new URL('../fixtures/catalogue', import.meta.url));

/** The checkout itself: the real catalogue lives in its scenarios/ and labs/. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A copy of the real catalogue (scenarios/ and labs/) in a temporary folder, for tests that edit or add to it. */
export async function catalogueCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-catalogue-'));
  await cp(join(repoRoot, 'scenarios'), join(root, 'scenarios'), { recursive: true });
  await cp(join(repoRoot, 'labs'), join(root, 'labs'), { recursive: true });
  return root;
}
