import { appendFile, chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { moduleDir } from './components.js';
import { buildImage, importDirectory } from './docker.js';
import type { ImageNames } from './names.js';
import { nodeFilesDir, runcWrapper } from './paths.js';
import { goComponents } from './pins.js';
import { exists, filesBelow } from './roots.js';
import { KindNodeError, run } from './run.js';

/** kind's own base image files, from the kind module (what its images/base Dockerfile copies). */
export async function kindBaseFiles(): Promise<string> {
  return join(await moduleDir(goComponents.kind.module, goComponents.kind.version), 'images', 'base', 'files');
}

export interface NodeInputs {
  stage: string;
  nodeRootfs: string;
  bin: string;
  kubernetesBinary: string;
  kubernetesVersion: string;
}

/**
 * The node's root filesystem, as kind's images/base Dockerfile and its node
 * image build make it, on our debootstrap'ed Debian instead of trixie-slim.
 */
export async function stageNode(inputs: NodeInputs, names: ImageNames): Promise<void> {
  const { stage, bin } = inputs;
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { recursive: true });
  await run('tar', ['--numeric-owner', '-x', '-C', stage, '-f', inputs.nodeRootfs]);

  const kindFiles = await kindBaseFiles();
  for (const file of await filesBelow(kindFiles)) {
    const path = relative(kindFiles, file);
    // Modes as the Dockerfile's COPY --chmod lines set them.
    const executable = path.startsWith('usr/local/bin/') || path.startsWith('kind/bin/');
    await installFile(file, join(stage, path), executable ? 0o755 : 0o644);
  }

  // kind's systemd trimming (its Dockerfile, after clean-install).
  const units = join(stage, 'usr', 'lib', 'systemd', 'system');
  await rm(join(units, 'sysinit.target.wants', 'systemd-tmpfiles-setup.service'), { force: true });
  for (const wants of ['multi-user.target.wants', 'local-fs.target.wants', 'basic.target.wants']) await emptyDir(join(units, wants));
  await emptyDir(join(units, 'sockets.target.wants'), (name) => name.includes('udev') || name.includes('initctl'));
  for (const dir of await readdir(join(stage, 'etc', 'systemd', 'system'))) {
    if (dir.endsWith('.wants')) await emptyDir(join(stage, 'etc', 'systemd', 'system', dir));
  }
  await appendFile(join(stage, 'etc', 'systemd', 'journald.conf'), 'ReadKMsg=no\n');
  await rm(join(stage, 'usr', 'sbin', 'init'), { force: true });
  await symlink('/usr/lib/systemd/systemd', join(stage, 'usr', 'sbin', 'init'));
  await run('chroot', [stage, 'systemctl', 'enable', 'kubelet.service', 'containerd.service', 'undo-mount-hacks.service']);
  await run('chroot', [stage, 'systemctl', 'mask', 'systemd-binfmt.service']);
  await mkdir(join(stage, 'etc', 'kubernetes', 'manifests'), { recursive: true });

  for (const name of ['containerd', 'ctr', 'containerd-shim-runc-v2', 'crictl']) await installFile(join(bin, name), join(stage, 'usr', 'local', 'bin', name), 0o755);
  await installFile(join(bin, 'runc'), join(stage, 'usr', 'local', 'sbin', 'runc'), 0o755);
  await installFile(runcWrapper, join(stage, 'usr', 'local', 'sbin', 'runc-nosysres'), 0o755);
  for (const name of goComponents.cniPlugins.binaries) await installFile(join(bin, name), join(stage, 'opt', 'cni', 'bin', name), 0o755);
  // kind puts kubelet, kubeadm and kubectl in /usr/bin (its kubelet unit expects /usr/bin/kubelet).
  await installFile(inputs.kubernetesBinary, join(stage, 'usr', 'bin', 'k8s'), 0o755);
  for (const name of ['kubelet', 'kubeadm', 'kubectl']) await symlink('k8s', join(stage, 'usr', 'bin', name));

  await writeFile(join(stage, 'etc', 'containerd', 'cri-base.json'), criBaseSpec(await run(join(bin, 'ctr'), ['oci', 'spec'])));
  const containerdConfig = join(stage, 'etc', 'containerd', 'config.toml');
  await writeFile(containerdConfig, nodeContainerdConfig(await readFile(containerdConfig, 'utf8'), names));

  await mkdir(join(stage, 'kind', 'manifests'), { recursive: true });
  await writeFile(join(stage, 'kind', 'version'), inputs.kubernetesVersion);
  const cni = await readFile(join(nodeFilesDir, 'default-cni.yaml'), 'utf8');
  await writeFile(join(stage, 'kind', 'manifests', 'default-cni.yaml'), cni.replaceAll('${KINDHERE_NET_IMAGE}', names.net));
  const storage = await readFile(join(await moduleDir(goComponents.kind.module, goComponents.kind.version), 'pkg', 'build', 'nodeimage', 'const_storage.go'), 'utf8');
  await writeFile(join(stage, 'kind', 'manifests', 'default-storage.yaml'), defaultStorageManifest(storage, names));
}

/** kind's cri-base.json: `ctr oci spec` plus its createContainer hook, without rlimits. */
export function criBaseSpec(ociSpec: string): string {
  const spec = JSON.parse(ociSpec) as { hooks?: { createContainer?: { path: string }[] }; process?: { rlimits?: unknown } };
  spec.hooks ??= {};
  spec.hooks.createContainer = [...(spec.hooks.createContainer ?? []), { path: '/kind/bin/mount-product-files.sh' }];
  if (spec.process) delete spec.process.rlimits;
  return `${JSON.stringify(spec, null, 2)}\n`;
}

/**
 * kind's containerd config with three changes: the pause image kubeadm 1.36
 * names (kind's says 3.10), and two for hosts without CAP_SYS_RESOURCE in the
 * bounding set: no negative OOM scores (else every sandbox fails with "failed to
 * update /proc/self/oom_score_adj: Permission denied") and the runc wrapper
 * (else pods that add SYS_RESOURCE fail with "unable to apply caps").
 */
export function nodeContainerdConfig(kindConfig: string, names: ImageNames): string {
  const changes: [RegExp, string][] = [
    [/sandbox_image = "registry\.k8s\.io\/pause:[^"]+"/, `sandbox_image = "${names.registry.pause}"`],
    [/restrict_oom_score_adj = false/, 'restrict_oom_score_adj = true'],
  ];
  let config = kindConfig;
  for (const [pattern, replacement] of changes) {
    if (!pattern.test(config)) throw new KindNodeError(`kind's containerd config has no ${pattern.source}: the node image build needs updating for this kind version`);
    config = config.replace(pattern, replacement);
  }
  const runtimes = /(\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.(?:runc|test-handler)\.options\]\n)/g;
  if ((config.match(runtimes) ?? []).length !== 2) throw new KindNodeError("kind's containerd config no longer has the runc and test-handler runtime options tables");
  return config.replace(runtimes, '$1    BinaryName = "/usr/local/sbin/runc-nosysres"\n');
}

/**
 * kind's default storage manifest (the Go string constant in kind's
 * const_storage.go), with the provisioner and helper images swapped for ours.
 */
export function defaultStorageManifest(constStorageGo: string, names: ImageNames): string {
  const images: Record<string, string> = { storageProvisionerImage: names.localPathProvisioner, storageHelperImage: names.standIns.busybox };
  const start = constStorageGo.indexOf('const defaultStorageManifest = ');
  if (start < 0) throw new KindNodeError("kind's const_storage.go has no defaultStorageManifest: the node image build needs updating for this kind version");
  let rest = constStorageGo.slice(start + 'const defaultStorageManifest = '.length);
  let manifest = '';
  // The constant is raw strings joined with `+` to the two image constants.
  for (;;) {
    const raw = /^`([^`]*)`/.exec(rest);
    if (!raw) break;
    manifest += raw[1];
    rest = rest.slice(raw[0].length);
    const join = /^\s*\+\s*(\w+)\s*\+\s*/.exec(rest);
    if (!join) break;
    const image = images[join[1] ?? ''];
    if (!image) throw new KindNodeError(`kind's default storage manifest refers to ${join[1]}, which the node image build does not know`);
    manifest += image;
    rest = rest.slice(join[0].length);
  }
  return manifest.trimStart();
}

/**
 * Loads the saved images into the stage's containerd content store the way
 * kind's node image build does (its import flags, pinned so the kubelet never
 * garbage-collects them), compressing layers, with our containerd running on
 * this machine against the stage's /var/lib/containerd: no build container.
 */
export async function preloadImages(stage: string, imagesTar: string, bin: string, expected: string[]): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'kind-node-preload-'));
  const socket = join(scratch, 'containerd.sock');
  await writeFile(
    join(scratch, 'config.toml'),
    [
      'version = 3',
      `root = ${JSON.stringify(join(stage, 'var', 'lib', 'containerd'))}`,
      `state = ${JSON.stringify(join(scratch, 'state'))}`,
      // Only the content and metadata stores are needed: no CRI, NRI or runtimes on this machine.
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime", "io.containerd.nri.v1.nri", "io.containerd.internal.v1.opt", "io.containerd.runtime.v2.task", "io.containerd.podsandbox.controller.v1.podsandbox", "io.containerd.sandbox.controller.v1.shim"]',
      '[grpc]',
      `  address = ${JSON.stringify(socket)}`,
      '[ttrpc]',
      `  address = ${JSON.stringify(`${socket}.ttrpc`)}`,
      '',
    ].join('\n'),
  );
  const daemon = execa(join(bin, 'containerd'), ['--config', join(scratch, 'config.toml')], { reject: false, all: true });
  const ctr = (args: string[]) => run(join(bin, 'ctr'), ['--address', socket, '--namespace', 'k8s.io', ...args]);
  try {
    await waitForContainerd(socket, bin, daemon);
    await ctr(['images', 'import', '--label=io.cri-containerd.pinned=pinned', '--all-platforms', '--no-unpack', '--digests', '--compress-blobs', imagesTar]);
    const refs = (await ctr(['images', 'list', '--quiet'])).split('\n').filter(Boolean);
    // --digests also names each image import-<date>@sha256:...; dropping those lets GC free the uncompressed layers.
    const importNames = refs.filter((ref) => ref.startsWith('import-'));
    if (importNames.length > 0) await ctr(['images', 'remove', '--sync', ...importNames]);
    const missing = expected.filter((ref) => !refs.includes(normalizedRef(ref)));
    if (missing.length > 0) throw new KindNodeError(`the node's containerd lacks ${missing.join(', ')} after the import (it has ${refs.join(', ')})`);
  } finally {
    daemon.kill('SIGTERM');
    await daemon;
    await rm(scratch, { recursive: true, force: true });
  }
}

async function waitForContainerd(socket: string, bin: string, daemon: ReturnType<typeof execa>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (daemon.exitCode !== null) break;
    if ((await exists(socket)) && (await execa(join(bin, 'ctr'), ['--address', socket, 'version'], { reject: false })).exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  daemon.kill('SIGKILL');
  const result = await daemon;
  throw new KindNodeError(`the preload containerd did not start:\n${String(result.all ?? '').split('\n').slice(-20).join('\n')}`);
}

/** containerd's name for a docker-style reference: Docker Hub names get docker.io/. */
export function normalizedRef(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  if (!ref.includes('/')) return `docker.io/library/${ref}`;
  return first.includes('.') || first.includes(':') || first === 'localhost' ? ref : `docker.io/${ref}`;
}

/**
 * The node image: the stage as one layer, then a layer-less build for what
 * `docker import --change` cannot set on docker 20.10 ("stopsignal is not a
 * valid change command"): kind's ENV, STOPSIGNAL and ENTRYPOINT.
 */
export async function commitNode(stage: string, context: string, names: ImageNames): Promise<void> {
  const rootfs = `local/kindhere-node-rootfs:${names.key}`;
  await importDirectory(stage, rootfs);
  await mkdir(context, { recursive: true });
  await buildImage(
    context,
    names.node,
    `FROM ${rootfs}\nENV container=docker\nSTOPSIGNAL SIGRTMIN+3\nENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]\n`,
  );
}

async function installFile(from: string, to: string, mode: number): Promise<void> {
  await mkdir(join(to, '..'), { recursive: true });
  await copyFile(from, to);
  await chmod(to, mode);
}

async function emptyDir(dir: string, which: (name: string) => boolean = () => true): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) if (which(name)) await rm(join(dir, name), { recursive: true, force: true });
}

