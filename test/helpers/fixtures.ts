import { fileURLToPath } from 'node:url';

/** The fixture scenario catalogue (see its README): one scenario per grading outcome. */
export const fixtureCatalogue = fileURLToPath(new URL('../fixtures/catalogue', import.meta.url));
