import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { commandError, KindNodeError, run } from './run.js';

const fallbackMirror = 'http://deb.debian.org/debian';

/**
 * The Debian mirror this machine's apt uses (deb822 .sources or one-line
 * sources.list), so debootstrap and downloads go where apt already may go.
 */
export async function debianMirror(): Promise<string> {
  const texts: string[] = [];
  for (const file of ['/etc/apt/sources.list', ...(await listDir('/etc/apt/sources.list.d')).map((name) => join('/etc/apt/sources.list.d', name))]) {
    if (!/\.(list|sources)$/.test(file)) continue;
    texts.push(await readFile(file, 'utf8').catch(() => ''));
  }
  return mirrorFromSources(texts.join('\n')) ?? fallbackMirror;
}

/** The first archive (not security) URI in apt source text, in either format. */
export function mirrorFromSources(text: string): string | undefined {
  const uris = [
    ...[...text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gm)].map((match) => match[1]),
    ...[...text.matchAll(/^\s*URIs:\s*(.+)$/gim)].flatMap((match) => (match[1] ?? '').trim().split(/\s+/)),
  ];
  return uris.find((uri): uri is string => !!uri && /^https?:\/\//.test(uri) && !/security/.test(uri))?.replace(/\/+$/, '');
}

async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/**
 * `debootstrap --variant=minbase` of a suite with extra packages, trimmed the
 * way kind's clean-install trims (no apt lists or caches, docs, man pages,
 * locales, logs), then packed into a tarball for docker import and the node stage.
 */
export async function debootstrap(options: { suite: string; packages: string[]; mirror: string; scratch: string; tarball: string }): Promise<void> {
  const { suite, packages, mirror, scratch, tarball } = options;
  await rm(scratch, { recursive: true, force: true });
  await run('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, suite, scratch, mirror]);
  for (const path of ['var/cache/apt', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'usr/share/info', 'var/log', 'tmp', 'var/tmp', 'var/cache/debconf']) {
    await emptyDir(join(scratch, path));
  }
  const partial = `${tarball}.partial-${process.pid}`;
  // /dev, /proc and /sys are filled by the container runtime; debootstrap's device nodes would only get in the way.
  await run('tar', ['--numeric-owner', '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '-C', scratch, '-cf', partial, '.']);
  await rename(partial, tarball);
  await rm(scratch, { recursive: true, force: true });
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await listDir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

/**
 * apt with its own sources, lists and cache in one folder: fetches packages of
 * any suite (trixie's busybox on a bookworm host) without touching the machine's
 * apt state. Installs nothing: it only downloads .deb files.
 */
export class ThrowawayApt {
  private readonly options: string[];

  constructor(
    private readonly dir: string,
    readonly suite: string,
    private readonly mirror: string,
  ) {
    this.options = [
      `Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
      'Dir::Etc::SourceParts=/nonexistent',
      `Dir::State::Lists=${join(dir, 'lists')}`,
      `Dir::Cache=${join(dir, 'cache')}`,
      // An empty dpkg status: apt resolves full dependency closures, as for an empty root.
      `Dir::State::status=${join(dir, 'status')}`,
      'Debug::NoLocking=1',
      'APT::Install-Recommends=false',
      'APT::Sandbox::User=root',
    ].flatMap((option) => ['-o', option]);
  }

  async update(): Promise<void> {
    for (const sub of ['lists/partial', 'cache/archives/partial']) await mkdir(join(this.dir, sub), { recursive: true });
    await writeFile(join(this.dir, 'status'), '');
    await writeFile(
      join(this.dir, 'sources.list'),
      `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${this.mirror} ${this.suite} main\n`,
    );
    await run('apt-get', [...this.options, '-qq', 'update']);
  }

  /** Downloads packages and everything they depend on into `dest`; returns the .deb paths. */
  async downloadWithDependencies(packages: string[], dest: string): Promise<string[]> {
    const archives = join(this.dir, 'cache', 'archives');
    await run('apt-get', [...this.options, '-qq', '-y', '--download-only', 'install', ...packages]);
    return moveDebs(archives, dest);
  }

  /** Downloads exactly these packages (name or name=version), no dependencies. */
  async download(packages: string[], dest: string): Promise<string[]> {
    await mkdir(dest, { recursive: true });
    const before = new Set(await listDir(dest));
    try {
      await execa('apt-get', [...this.options, '-qq', 'download', ...packages], { cwd: dest });
    } catch (error) {
      throw Object.assign(commandError('apt-get', ['download', ...packages], error), {
        fix: `check that ${this.suite} still carries ${packages.join(', ')} (apt-cache policy), and update tools/kind-node/pins.ts`,
      });
    }
    return (await listDir(dest)).filter((name) => !before.has(name)).map((name) => join(dest, name));
  }
}

async function moveDebs(from: string, dest: string): Promise<string[]> {
  await mkdir(dest, { recursive: true });
  const debs = (await listDir(from)).filter((name) => name.endsWith('.deb'));
  for (const name of debs) await rename(join(from, name), join(dest, name));
  return debs.map((name) => join(dest, name));
}

/** The package name of a .deb file as apt names downloads: name_version_arch.deb. */
export function debPackageName(path: string): string {
  return basename(path).split('_')[0] ?? '';
}

/**
 * Unpacks .deb payloads into a root, keeping the root's /bin -> usr/bin style
 * links (so bookworm's /lib files land in /usr/lib next to trixie's). Maintainer
 * scripts do not run: these roots are images for one program, not systems.
 */
export async function unpackDebs(debs: string[], root: string, skip: string[] = []): Promise<void> {
  for (const deb of debs.sort()) {
    if (skip.includes(debPackageName(deb))) continue;
    try {
      await execa('dpkg-deb', ['--fsys-tarfile', deb], { buffer: false }).pipe('tar', ['-x', '--keep-directory-symlink', '-C', root]);
    } catch (error) {
      throw commandError(`dpkg-deb --fsys-tarfile ${deb} | tar`, ['-x', '-C', root], error);
    }
  }
}

/** Fails early, with the fix, when this machine cannot build Debian roots. */
export async function checkDebianTools(): Promise<void> {
  const missing: string[] = [];
  for (const tool of ['debootstrap', 'dpkg-deb', 'apt-get', 'gcc', 'patch']) {
    try {
      await execa('sh', ['-c', `command -v ${tool}`]);
    } catch {
      missing.push(tool);
    }
  }
  if (missing.length > 0) {
    throw new KindNodeError(`${missing.join(', ')} not found`, 'apt-get install -y debootstrap gcc libseccomp-dev patch (tools/docker-host/ensure-docker.sh installs them)');
  }
  if (process.getuid?.() !== 0) {
    throw new KindNodeError('building the kind node image needs root (debootstrap, chroot, file ownership in images)', 'run it as root, as CI does');
  }
}
