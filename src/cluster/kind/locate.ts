import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Runner } from '../runner.js';
import { labCacheDir } from '../../lab-dirs.js';
import { compareVersions, minimumKindVersion, parseKindVersion, pinnedKindVersion } from './release.js';

/** A kind executable the lab can run. */
export interface KindBinary {
  path: string;
  /** e.g. "v0.33.0"; undefined when `kind version` printed none. */
  version: string | undefined;
  /** On PATH (printed as plain `kind`), or the lab's own verified download. */
  source: 'path' | 'cache';
}

export type KindLookup =
  | { status: 'found'; kind: KindBinary }
  /** Only a kind older than minimumKindVersion (or one that did not report its version) is on PATH. */
  | { status: 'too-old'; kind: KindBinary }
  | { status: 'missing' };

/** Where the lab keeps the kind it downloaded: one file per pinned version, so a new pin downloads anew. */
export function cachedKindPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return join(labCacheDir(env), 'bin', `kind-${pinnedKindVersion}${platform === 'win32' ? '.exe' : ''}`);
}

/** The first executable named `name` on env.PATH, as a shell would find it. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<string | undefined> {
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = join(dir, `${name}${extension}`);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** PATH first (if new enough), then the lab's cached download. Runs `kind version`, nothing else. */
export async function locateKind(runner: Runner, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<KindLookup> {
  const onPath = await findOnPath('kind', env, platform);
  const pathKind = onPath ? { path: onPath, version: await kindVersion(runner, onPath, env), source: 'path' as const } : undefined;
  if (pathKind?.version && compareVersions(pathKind.version, minimumKindVersion) >= 0) return { status: 'found', kind: pathKind };
  const cached = cachedKindPath(env, platform);
  if (await isExecutable(cached)) return { status: 'found', kind: { path: cached, version: await kindVersion(runner, cached, env), source: 'cache' } };
  return pathKind ? { status: 'too-old', kind: pathKind } : { status: 'missing' };
}

async function kindVersion(runner: Runner, path: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const result = await runner(path, ['version'], { env, timeoutMs: 5_000 });
    return result.exitCode === 0 ? parseKindVersion(result.stdout) : undefined;
  } catch {
    return undefined;
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
