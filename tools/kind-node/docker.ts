import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commandError, run } from './run.js';

/**
 * The docker CLI on PATH. Debian's daemon is 20.10 (API 1.41): a newer client (a
 * docker 28 in /usr/local/bin shadows Debian's here) negotiates down to it, and
 * `docker build` uses the legacy builder, which builds FROM local images without
 * pulling; BuildKit is not part of that daemon.
 */
const dockerEnv = { DOCKER_BUILDKIT: '0' };

export function docker(args: string[], options: { input?: string; cwd?: string } = {}): Promise<string> {
  return run('docker', args, { env: dockerEnv, ...options });
}

/** Why docker cannot be used, or undefined when it can. */
export async function dockerProblem(): Promise<string | undefined> {
  try {
    await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { env: dockerEnv });
    return undefined;
  } catch (error) {
    const text = error instanceof Error ? (('stderr' in error && String(error.stderr)) || error.message) : String(error);
    return text.split('\n').find((line) => line.trim() !== '') ?? 'docker info failed';
  }
}

export async function imageExists(ref: string): Promise<boolean> {
  try {
    await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { env: dockerEnv });
    return true;
  } catch {
    return false;
  }
}

/** `tar -c -C dir . | docker import`: a single-layer image of a root filesystem. */
export async function importDirectory(dir: string, ref: string, changes: string[] = []): Promise<void> {
  const tarArgs = ['--numeric-owner', '-C', dir, '-c', '.'];
  const importArgs = ['import', ...changes.flatMap((change) => ['--change', change]), '-', ref];
  try {
    // Unbuffered: execa would kill a source whose output passes its 100 MB maxBuffer.
    await execa('tar', tarArgs, { buffer: false }).pipe('docker', importArgs, { env: dockerEnv });
  } catch (error) {
    throw commandError(`tar ${tarArgs.join(' ')} | docker`, importArgs, error);
  }
}

export async function importTarball(tarball: string, ref: string, changes: string[] = []): Promise<void> {
  await docker(['import', ...changes.flatMap((change) => ['--change', change]), tarball, ref]);
}

/** `docker build` of a context whose Dockerfile is given as text. */
export async function buildImage(context: string, ref: string, dockerfile: string): Promise<void> {
  await writeFile(join(context, 'Dockerfile'), dockerfile);
  await docker(['build', '--quiet', '--tag', ref, context]);
}

/** Removes tags (and the images no tag holds any more); absent tags are fine. */
export async function removeImages(refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  await execa('docker', ['rmi', ...refs], { env: dockerEnv, reject: false });
}

/** Every image reference starting with one of the prefixes, with its tag and creation time. */
export async function listTags(prefixes: string[]): Promise<{ ref: string; tag: string; created: string }[]> {
  const lines = await docker(['images', '--format', '{{.Repository}}:{{.Tag}}\t{{.CreatedAt}}']);
  return lines
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', created = ''] = line.split('\t');
      return { ref, tag: ref.slice(ref.lastIndexOf(':') + 1), created };
    })
    .filter(({ ref }) => prefixes.some((prefix) => ref.startsWith(prefix)));
}
