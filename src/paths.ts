import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (holding scenarios/ and labs/). This file is
 * src/paths.ts under tsx and dist/paths.js when published: one level down.
 */
export const packageRoot: string = join(dirname(fileURLToPath(import.meta.url)), '..');

export const labsDir: string = join(packageRoot, 'labs');
