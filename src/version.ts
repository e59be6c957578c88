import { createRequire } from 'node:module';

// Read at run time so src/ (under tsx) and dist/ report the same published version.
const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

export const version: string = manifest.version;
