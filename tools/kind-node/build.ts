import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBinaries, goVersion } from '../testplane/build.js';
import { pinnedKubernetesVersion } from '../testplane/sync.js';
import { buildComponents } from './components.js';
import { checkDebianTools, debianMirror, debootstrap, ThrowawayApt } from './debian.js';
import { docker, dockerProblem, imageExists, listTags, removeImages } from './docker.js';
import { scanImageRefs } from '../../src/manifests/image-refs.js';
import { imageMapEntries, writeImageMap } from './imagemap.js';
import { buildImages } from './images.js';
import { buildKey } from './key.js';
import { imageNames, ownRepositoryPrefixes, type ImageNames } from './names.js';
import { commitNode, preloadImages, stageNode } from './node.js';
import { buildLayout, cacheRoot, repoRoot, type BuildLayout } from './paths.js';
import { busybox, nodePackages, nodeSuite, standInPackages } from './pins.js';
import { exists } from './roots.js';
import { KindNodeError, run, step, type Log } from './run.js';

/** What a finished build hands to its users (the e2e lane, `up --node-image`). */
export interface KindNodeBuild {
  key: string;
  nodeImage: string;
  standIns: ImageNames['standIns'];
  imageMap: string;
  kind: string;
  cacheDir: string;
}

/** Why this machine cannot build the node image (no docker, no Go, not root), or undefined. */
export async function buildProblem(): Promise<string | undefined> {
  const dockerIssue = await dockerProblem();
  if (dockerIssue) return `docker is not usable (${dockerIssue})`;
  if (!(await goVersion())) return 'go is not on PATH';
  if (process.getuid?.() !== 0) return 'it needs root (debootstrap, chroot, file ownership in images)';
  return undefined;
}

async function current(): Promise<{ names: ImageNames; layout: BuildLayout; kubernetesVersion: string }> {
  const go = await goVersion();
  if (!go) throw new KindNodeError('go is not on PATH', 'install Go 1.26 or newer');
  const kubernetesVersion = await pinnedKubernetesVersion();
  const key = await buildKey(go);
  return { names: imageNames(key, kubernetesVersion), layout: buildLayout(join(cacheRoot(), key)), kubernetesVersion };
}

/** The finished build for these sources, without building; undefined when something is missing. */
export async function findBuild(): Promise<KindNodeBuild | undefined> {
  const { names, layout } = await current();
  if (!(await exists(join(layout.bin, 'kind'))) || !(await exists(layout.imageMap))) return undefined;
  for (const ref of [names.node, ...Object.values(names.standIns)]) if (!(await imageExists(ref))) return undefined;
  await writeMap(layout, names);
  return result(names, layout);
}

/**
 * Builds (or reuses) the node image and the stand-ins for the current sources.
 * Binaries and Debian downloads are cached under the build's key, so a build
 * that stopped half-way resumes, and a lost docker image is rebuilt in minutes.
 */
export async function buildKindNode(log: Log): Promise<KindNodeBuild> {
  const dockerIssue = await dockerProblem();
  if (dockerIssue) throw new KindNodeError(`docker is not usable: ${dockerIssue}`, 'start dockerd (as root: tools/docker-host/ensure-docker.sh), or run with --if-docker to skip');
  const { names, layout, kubernetesVersion } = await current();
  const images = [names.node, ...Object.values(names.standIns)];
  const present = await Promise.all(images.map((ref) => imageExists(ref)));
  await mkdir(layout.dir, { recursive: true });
  // The mtime says which builds are in use: pruning keeps the newest.
  await utimes(layout.dir, new Date(), new Date());

  if (present.every(Boolean)) {
    log(`reusing ${names.node} and its stand-in images (key ${names.key})`);
    await buildComponents(layout, log, ['kind']);
  } else {
    await checkDebianTools();
    await buildEverything(names, layout, kubernetesVersion, log);
  }
  await writeMap(layout, names);
  const build = result(names, layout);
  await writeFile(layout.manifest, `${JSON.stringify(build, null, 2)}\n`);
  await pruneSuperseded(names, log);
  return build;
}

async function buildEverything(names: ImageNames, layout: BuildLayout, kubernetesVersion: string, log: Log): Promise<void> {
  log(`building ${names.node} and the stand-ins (key ${names.key}) into ${layout.dir}`);
  await rm(layout.work, { recursive: true, force: true });
  await mkdir(layout.work, { recursive: true });
  const mirror = await debianMirror();

  // Compiling is CPU-bound and Debian downloads mostly wait on the network: run both at once
  // (on a new machine the test plane's Kubernetes binary, which the node image shares, compiles here too).
  const [plane, debian] = await Promise.all([
    (async () => {
      const binaries = await buildBinaries(log);
      await step(log, 'binaries', () => buildComponents(layout, log));
      return binaries;
    })(),
    step(log, `Debian (${mirror})`, () => fetchDebian(layout, mirror, log)),
  ]);
  await checkKubeadmImages(plane.testplane, kubernetesVersion, names);

  await step(log, 'images', () =>
    buildImages(
      {
        bin: layout.bin,
        work: layout.work,
        kubernetesBinary: plane.testplane,
        busybox: debian.busybox,
        pythonDebs: debian.python,
        redisDebs: debian.redis,
        nodeRootfs: debian.nodeRootfs,
      },
      names,
      log,
    ),
  );

  const stage = join(layout.work, 'stage');
  await step(log, 'node rootfs', () =>
    stageNode({ stage, nodeRootfs: debian.nodeRootfs, bin: layout.bin, kubernetesBinary: plane.testplane, kubernetesVersion }, names),
  );

  const preloaded = [
    names.registry.kubernetes,
    names.registry.pause,
    names.registry.coreDNS,
    names.net,
    names.localPathProvisioner,
    Object.values(names.standIns),
  ].flat();
  const imagesTar = join(layout.work, 'images.tar');
  await step(log, `save ${preloaded.length} images for the node`, async () => {
    for (const ref of names.registry.kubernetes) await docker(['tag', names.kubernetes, ref]);
    try {
      await docker(['save', '--output', imagesTar, ...preloaded]);
    } finally {
      // Self-built images never keep registry.k8s.io names on this machine.
      await removeImages([...names.registry.kubernetes, names.registry.pause, names.registry.coreDNS]);
    }
  });
  await step(log, 'preload them into the node containerd', () => preloadImages(stage, imagesTar, layout.bin, preloaded));
  await rm(imagesTar, { force: true });
  await step(log, `commit ${names.node}`, () => commitNode(stage, join(layout.work, 'node-context'), names));
  // Intermediate tags; the stand-ins and the node image keep the layers they share.
  await removeImages([`local/kindhere-node-rootfs:${names.key}`, names.base, names.kubernetes, names.net, names.localPathProvisioner]);
  await rm(layout.work, { recursive: true, force: true });
  const size = await docker(['image', 'inspect', '--format', '{{.Size}}', names.node]);
  log(`${names.node}: ${Math.round(Number(size) / 1e6)} MB`);
}

/** The control-plane images must be exactly what kubeadm will ask the node for. */
async function checkKubeadmImages(testplane: string, kubernetesVersion: string, names: ImageNames): Promise<void> {
  const listed = (await run(testplane, ['kubeadm', 'config', 'images', 'list', '--kubernetes-version', kubernetesVersion])).split('\n').filter(Boolean);
  const ours = [...names.registry.kubernetes, names.registry.pause, names.registry.coreDNS];
  const differ = listed.filter((ref) => !ours.includes(ref)).concat(ours.filter((ref) => !listed.includes(ref)));
  if (differ.length > 0) {
    throw new KindNodeError(
      `kubeadm ${kubernetesVersion} lists images ${listed.join(', ')}, the node image would hold ${ours.join(', ')}`,
      'update etcdImageTag, pauseVersion or coreDNSVersion in tools/kind-node/pins.ts (and the CoreDNS module) to what kubeadm lists',
    );
  }
}

interface DebianParts {
  nodeRootfs: string;
  busybox: string;
  python: string[];
  redis: string[];
}

/** The node rootfs (debootstrap) and the .debs of the stand-ins, each cached once complete. */
async function fetchDebian(layout: BuildLayout, mirror: string, log: Log): Promise<DebianParts> {
  await mkdir(layout.rootfs, { recursive: true });
  const nodeRootfs = join(layout.rootfs, `node-${nodeSuite}.tar`);
  const rootfs = (await exists(nodeRootfs))
    ? Promise.resolve()
    : step(log, `debootstrap ${nodeSuite} node rootfs`, () =>
        debootstrap({ suite: nodeSuite, packages: nodePackages, mirror, scratch: join(layout.work, 'debootstrap'), tarball: nodeRootfs }),
      );

  const apt = new Map<string, Promise<ThrowawayApt>>();
  const aptFor = (suite: string) => {
    let ready = apt.get(suite);
    if (!ready) {
      const client = new ThrowawayApt(join(layout.work, `apt-${suite}`), suite, mirror);
      ready = client.update().then(() => client);
      apt.set(suite, ready);
    }
    return ready;
  };
  const cachedDebs = async (name: string, fetch: (dest: string) => Promise<void>): Promise<string[]> => {
    const dir = join(layout.debs, name);
    if (!(await exists(dir))) {
      const partial = `${dir}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      await step(log, `download ${name} .debs`, () => fetch(partial));
      await rename(partial, dir);
    }
    return (await readdir(dir)).filter((file) => file.endsWith('.deb')).map((file) => join(dir, file));
  };

  const [busyboxDebs, python, redis] = await Promise.all([
    cachedDebs('busybox', async (dest) => void (await (await aptFor(busybox.suite)).download([`${busybox.package}=${busybox.version}`], dest))),
    cachedDebs('python', async (dest) => void (await (await aptFor(standInPackages.python.suite)).downloadWithDependencies(standInPackages.python.packages, dest))),
    cachedDebs('redis', async (dest) => {
      const client = await aptFor(standInPackages.redis.suite);
      await client.downloadWithDependencies(standInPackages.redis.packages, dest);
      await client.download(standInPackages.redis.withoutDependencies, dest);
    }),
  ]);
  await rootfs;

  const busyboxDeb = busyboxDebs[0];
  if (!busyboxDeb) throw new KindNodeError(`no ${busybox.package} .deb in ${join(layout.debs, 'busybox')}`);
  const unpacked = join(layout.work, 'busybox-deb');
  await mkdir(unpacked, { recursive: true });
  await run('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2"', 'sh', busyboxDeb, unpacked]);
  return { nodeRootfs, busybox: join(unpacked, 'usr', 'bin', 'busybox'), python, redis };
}

async function writeMap(layout: BuildLayout, names: ImageNames): Promise<void> {
  await writeImageMap(layout.imageMap, imageMapEntries(await scanImageRefs(repoRoot), names));
}

function result(names: ImageNames, layout: BuildLayout): KindNodeBuild {
  return { key: names.key, nodeImage: names.node, standIns: names.standIns, imageMap: layout.imageMap, kind: join(layout.bin, 'kind'), cacheDir: layout.dir };
}

/**
 * Keeps this build and the newest other one (another checkout may pin other
 * versions), in the cache and in docker, plus in docker any build a container
 * runs; removes older builds' folders and tags.
 */
async function pruneSuperseded(names: ImageNames, log: Log, keep = 2): Promise<void> {
  const root = cacheRoot();
  const builds = await Promise.all(
    (await readdir(root)).filter((name) => /^[0-9a-f]{12}$/.test(name)).map(async (name) => ({ name, mtime: (await stat(join(root, name))).mtimeMs })),
  );
  const kept = new Set([names.key, ...builds.filter((build) => build.name !== names.key).sort((a, b) => b.mtime - a.mtime).slice(0, keep - 1).map((build) => build.name)]);
  for (const build of builds) if (!kept.has(build.name)) await rm(join(root, build.name), { recursive: true, force: true });

  // Docker may hold builds of other caches (another XDG_CACHE_HOME): judge tags by their node image's age,
  // and never touch a build whose node image a container (someone's cluster) still runs.
  const keyOf = (tag: string) => tag.slice(tag.lastIndexOf('-') + 1);
  const tags = await listTags(ownRepositoryPrefixes);
  const nodeKeys = tags
    .filter((tag) => tag.ref.startsWith('local/kind-node:'))
    .sort((a, b) => b.created.localeCompare(a.created))
    .map((tag) => keyOf(tag.tag));
  const inUse = (await docker(['ps', '--all', '--format', '{{.Image}}']))
    .split('\n')
    .filter((image) => image.startsWith('local/kind-node:'))
    .map(keyOf);
  const keptKeys = new Set([names.key, ...nodeKeys.filter((key) => key !== names.key).slice(0, keep - 1), ...inUse]);
  const stale = tags.filter((tag) => !keptKeys.has(keyOf(tag.tag))).map((tag) => tag.ref);
  if (stale.length > 0) {
    log(`removing ${stale.length} images of superseded builds: ${stale.join(', ')}`);
    await removeImages(stale);
  }
}
