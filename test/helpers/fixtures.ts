import { fileURLToPath } from 'node:url';

/** The fixture scenario catalogue (see its README): one scenario per grading outcome. */
export const fixtureCatalogue = fileURLToPath(new URL('../fixtures/catalogue', import.meta.url));

/** The checkout itself: the real catalogue lives in its scenarios/ and labs/. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
