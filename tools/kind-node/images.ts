import { copyFile, chmod, mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackDebs } from './debian.js';
import { buildImage, importDirectory, importTarball } from './docker.js';
import type { ImageNames } from './names.js';
import { packagesNotUnpacked } from './pins.js';
import { installBusybox, skeletonRoot, writeExecutable } from './roots.js';
import { step, type Log } from './run.js';

/** What the images are made of: binaries in bin/, downloaded .debs, the node rootfs tarball. */
export interface ImageInputs {
  bin: string;
  work: string;
  /** The multi-call Kubernetes binary of the test plane's build. */
  kubernetesBinary: string;
  busybox: string;
  pythonDebs: string[];
  redisDebs: string[];
  nodeRootfs: string;
}

const path = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const env = (value: string) => `ENV ${value}`;

/** Names the Kubernetes image answers to, as kubeadm's manifests and kubectl users call them. */
const kubernetesCommands = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'kubectl'];

/**
 * Builds every image of one build with docker's legacy builder and `docker
 * import`, from local files only (nothing is pulled): the four stand-ins and the
 * images the node preloads. Images that share content are layered on one base
 * so the node stores that content once.
 */
export async function buildImages(inputs: ImageInputs, names: ImageNames, log: Log): Promise<void> {
  const scratch = (name: string) => join(inputs.work, `image-${name}`);

  await step(log, `image ${names.standIns.busybox}`, async () => {
    const root = scratch('busybox');
    await busyboxRoot(root, inputs.busybox);
    await importDirectory(root, names.standIns.busybox, [env(path), 'CMD ["sh"]']);
  });

  await step(log, `image ${names.standIns.python} (Debian python3 + busybox)`, async () => {
    const root = scratch('python');
    await skeletonRoot(root);
    await unpackDebs(inputs.pythonDebs, root, packagesNotUnpacked);
    await installBusybox(root, inputs.busybox);
    // As in the python images: `python` is python3.
    await symlink('python3', join(root, 'usr', 'bin', 'python'));
    await importDirectory(root, names.standIns.python, [env(path), env('LANG=C.UTF-8'), 'CMD ["python3"]']);
  });

  await step(log, `image ${names.standIns.redis} (Debian redis + busybox)`, async () => {
    const root = scratch('redis');
    await skeletonRoot(root);
    await unpackDebs(inputs.redisDebs, root, packagesNotUnpacked);
    await installBusybox(root, inputs.busybox);
    await mkdir(join(root, 'data'), { recursive: true });
    await chmod(join(root, 'data'), 0o777);
    // The official image compiles protected mode off (its Dockerfile seds config.c); Debian's
    // redis has it on, which refuses clients from other pods when no password is set.
    await writeExecutable(
      join(root, 'usr', 'local', 'bin', 'docker-entrypoint.sh'),
      '#!/bin/sh\n# k8s-sec-lab stand-in for the official redis image: protected mode off, as that image builds it.\nif [ "$1" = redis-server ]; then\n  shift\n  set -- redis-server --protected-mode no "$@"\nfi\nexec "$@"\n',
    );
    await importDirectory(root, names.standIns.redis, [env(path), 'WORKDIR /data', 'ENTRYPOINT ["docker-entrypoint.sh"]', 'CMD ["redis-server"]']);
  });

  await step(log, `image ${names.base} (node rootfs)`, () => importTarball(inputs.nodeRootfs, names.base, [env(path)]));

  await step(log, `image ${names.kubernetes}`, async () => {
    const context = scratch('kubernetes');
    const bin = join(context, 'root', 'usr', 'local', 'bin');
    await rm(context, { recursive: true, force: true });
    await mkdir(bin, { recursive: true });
    await copyFile(inputs.kubernetesBinary, join(bin, 'k8s'));
    await chmod(join(bin, 'k8s'), 0o755);
    for (const command of kubernetesCommands) await symlink('k8s', join(bin, command));
    // /bin/kubectl, where the kubectl image keeps it (the base has /bin -> usr/bin).
    await mkdir(join(context, 'root', 'usr', 'bin'), { recursive: true });
    await symlink('/usr/local/bin/k8s', join(context, 'root', 'usr', 'bin', 'kubectl'));
    await buildImage(context, names.kubernetes, `FROM ${names.base}\nCOPY root/ /\n`);
  });

  await step(log, `image ${names.standIns.kubectl} (the multi-call binary)`, async () => {
    const context = scratch('kubectl');
    await mkdir(context, { recursive: true });
    await buildImage(context, names.standIns.kubectl, `FROM ${names.kubernetes}\nENTRYPOINT ["/bin/kubectl"]\n`);
  });

  await step(log, `image ${names.net} (kindhere-cni + kube-network-policies)`, async () => {
    const context = scratch('net');
    const bin = join(context, 'root', 'usr', 'local', 'bin');
    await rm(context, { recursive: true, force: true });
    await mkdir(bin, { recursive: true });
    for (const name of ['kindhere-cni', 'kube-network-policies']) await copyFile(join(inputs.bin, name), join(bin, name));
    await buildImage(context, names.net, `FROM ${names.base}\nCOPY root/ /\n`);
  });

  await step(log, `image ${names.localPathProvisioner}`, async () => {
    const root = scratch('local-path');
    await busyboxRoot(root, inputs.busybox);
    await copyFile(join(inputs.bin, 'local-path-provisioner'), join(root, 'usr', 'local', 'bin', 'local-path-provisioner'));
    await importDirectory(root, names.localPathProvisioner, [env(path)]);
  });

  await step(log, `images ${names.registry.coreDNS} and ${names.registry.pause}`, async () => {
    const coreDNS = scratch('coredns');
    await rm(coreDNS, { recursive: true, force: true });
    await mkdir(coreDNS, { recursive: true });
    await copyFile(join(inputs.bin, 'coredns'), join(coreDNS, 'coredns'));
    await importDirectory(coreDNS, names.registry.coreDNS, ['ENTRYPOINT ["/coredns"]']);
    const pause = scratch('pause');
    await rm(pause, { recursive: true, force: true });
    await mkdir(pause, { recursive: true });
    await copyFile(join(inputs.bin, 'pause'), join(pause, 'pause'));
    await importDirectory(pause, names.registry.pause, ['USER 65535:65535', 'ENTRYPOINT ["/pause"]']);
  });
}

async function busyboxRoot(root: string, busybox: string): Promise<void> {
  await skeletonRoot(root);
  await installBusybox(root, busybox);
}
