import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';

/**
 * The installed package's root (holding scenarios/ and labs/). This file is
 * src/paths.ts under tsx and dist/paths.js when published: one level down.
 */
/** The lab's code: src/ under tsx, dist/ when built (the TUI bundle sits at the same depth). */
export const codeDir: string = dirname(fileURLToPath(import.meta.url));
export const packageRoot: string = join(codeDir, '..');

export const labsDir: string = join(packageRoot, 'labs');

const appPaths = () => envPaths('k8s-sec-lab', { suffix: '' });

/**
 * Where the lab keeps its own files: $K8S_SEC_LAB_HOME when set (one folder
 * for everything, as tests and CI use it), else the platform's conventions
 * (XDG on Linux, ~/Library on macOS, %LOCALAPPDATA% on Windows).
 */
export function labDataDir(env: NodeJS.ProcessEnv): string {
  return env.K8S_SEC_LAB_HOME || appPaths().data;
}

/** Downloads (the kind binary) and derived data (the validated catalogue). */
export function labCacheDir(env: NodeJS.ProcessEnv): string {
  return env.K8S_SEC_LAB_HOME ? join(env.K8S_SEC_LAB_HOME, 'cache') : appPaths().cache;
}

/** Logs of kind and the container engine. */
export function labLogDir(env: NodeJS.ProcessEnv): string {
  return env.K8S_SEC_LAB_HOME ? join(env.K8S_SEC_LAB_HOME, 'logs') : appPaths().log;
}
