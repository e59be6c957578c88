import { chmod, copyFile, lstat, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from './run.js';

/**
 * Accounts of the stand-in images: root, nobody (65534, as Alpine and Debian),
 * nonroot (65532, distroless) and redis (999:1000, as the official redis image).
 */
const passwd = `root:x:0:0:root:/root:/bin/sh
redis:x:999:1000:redis:/data:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
`;
const group = `root:x:0:
redis:x:1000:redis
nonroot:x:65532:
nobody:x:65534:
`;

/**
 * An empty root with a merged /usr (bin, sbin, lib, lib64 link into usr/, as on
 * Debian since bookworm), accounts and a world-writable /tmp.
 */
export async function skeletonRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  for (const dir of ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'usr/local/bin', 'etc', 'tmp', 'root']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  for (const dir of ['bin', 'sbin', 'lib', 'lib64']) await symlink(`usr/${dir}`, join(root, dir));
  await writeFile(join(root, 'etc', 'passwd'), passwd);
  await writeFile(join(root, 'etc', 'group'), group);
  await chmod(join(root, 'tmp'), 0o1777);
}

/**
 * Installs a static busybox with a link for every applet it has, where the root
 * has no such program yet (Debian's own python3, redis-cli, ... win).
 */
export async function installBusybox(root: string, busybox: string): Promise<void> {
  const target = join(root, 'usr', 'bin', 'busybox');
  await copyFile(busybox, target);
  await chmod(target, 0o755);
  const applets = (await run(busybox, ['--list-full'])).split('\n').filter(Boolean);
  for (const applet of applets) {
    const path = join(root, applet);
    if (await exists(path)) continue;
    await mkdir(dirname(path), { recursive: true });
    await symlink('/usr/bin/busybox', path);
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes an executable file, making its directories. */
export async function writeExecutable(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o755 });
  await chmod(path, 0o755);
}

/** Every file below a folder (links included, folders walked), in no particular order. */
export async function filesBelow(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesBelow(path)));
    else files.push(path);
  }
  return files;
}
