import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Go module that builds the multi-call control-plane binary. */
export const planeModuleDir = dirname(fileURLToPath(import.meta.url));
/** The Go module that pins kwok. */
export const kwokModuleDir = join(planeModuleDir, 'kwok');

/** Binaries are cached outside the checkout so that clones and CI runs share a build. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.K8S_SEC_LAB_TESTPLANE_CACHE) return env.K8S_SEC_LAB_TESTPLANE_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'k8s-sec-lab', 'testplane');
}
