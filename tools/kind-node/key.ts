import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { versionLdflags } from '../testplane/build.js';
import { planeModuleDir } from '../testplane/paths.js';
import { pinnedKubernetesVersion } from '../testplane/sync.js';
import { kindNodeDir, repoRoot, runcWrapper } from './paths.js';
import { filesBelow } from './roots.js';

/** Files here that do not change what the build makes. */
const notInputs = new Set(['README.md', 'smoke.ts']);

/**
 * Every input of the images, hashed: the pins (pins.ts: module versions,
 * packages, suites, busybox's .deb version), the Kubernetes module (go.mod,
 * go.sum, main.go, version flags), the knp patch, the CoreDNS and CNI modules,
 * node files, the runc wrapper, the shared Go build runner, this driver's own
 * source and the Go version. The first 12 hex digits name the images and the cache.
 */
export async function buildKey(goVersion: string): Promise<string> {
  const hash = createHash('sha256');
  const add = (name: string, content: string | Buffer) => hash.update(`${name}\0${content.length}\0`).update(content);
  add('go', goVersion);
  const kubernetesVersion = await pinnedKubernetesVersion();
  add('kubernetes', kubernetesVersion);
  add('ldflags', versionLdflags(kubernetesVersion));
  for (const name of ['go.mod', 'go.sum', 'main.go']) add(`testplane/${name}`, await readFile(join(planeModuleDir, name)));
  const files = [...(await filesBelow(kindNodeDir)).filter((file) => !notInputs.has(relative(kindNodeDir, file))), runcWrapper, join(repoRoot, 'tools', 'build', 'go.ts')];
  for (const file of files.sort()) add(relative(repoRoot, file), await readFile(file));
  return hash.digest('hex').slice(0, 12);
}
