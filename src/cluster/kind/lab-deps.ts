import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addonNames, installAddon } from '../addons.js';
import { isolateClusterDns } from '../coredns.js';
import { markCluster, readMarker } from '../guard.js';
import type { ImageMap } from '../../manifests/image-map.js';
import { probeNetworkPolicy } from '../netpol-probe.js';
import { CommandInterruptedError, execaRunner } from '../runner.js';
import type { UpDeps, UpQuestion } from '../up.js';
import { cgroupRoot, cgroupV1Note, cgroupV2Fix, hostCgroupVersion } from '../cgroup.js';
import { kindConfigTemplate, renderKindConfig, type NodeImage } from './config.js';
import { labCacheDir, labLogDir } from '../../lab-dirs.js';
import type { ContainerEngine } from './engine.js';
import { ensureKind } from './install.js';
import { clientFromKubeconfig } from './kubeconfig.js';
import { locateKind } from './locate.js';
import { kindProviderFor } from './provider.js';
import { checkReadiness, waitUntilReady } from './readiness.js';

export interface KindUpOptions {
  env: NodeJS.ProcessEnv;
  engine: ContainerEngine;
  /** Asks before downloading kind; false when the user declines or cannot be asked. */
  confirmDownload: (question: string) => Promise<boolean>;
  decide: (question: UpQuestion) => Promise<boolean>;
  /** Aborting it stops a running `kind create cluster`, as Ctrl-C does. */
  signal?: AbortSignal;
  /** Says something the user should know but need not act on now (cgroup v1). */
  warn?: (message: string) => void;
  /** Every image the lab renders (add-ons, the probe, the node image) goes through it. */
  images: ImageMap;
  /** The node image of a new cluster (mapped already); undefined leaves it to kind. */
  nodeImage?: NodeImage;
}

/** kind's nodes normally turn Ready within a minute; image pulls on a slow network take longer. */
const readyTimeoutMs = 180_000;

/** `runUp`'s real dependencies: kind on Docker or Podman, the lab's add-ons, probe and marker. */
export function kindUpDeps(options: KindUpOptions): UpDeps {
  const { env, engine } = options;
  const runner = execaRunner;
  const platform = process.platform;
  const logFile = join(labLogDir(env), 'kind.log');
  return {
    logFile,
    ...(options.nodeImage ? { nodeImage: options.nodeImage } : {}),
    async prepareProvider() {
      const kind = await ensureKind(await locateKind(runner, env, platform), {
        env,
        platform,
        arch: process.arch,
        confirm: options.confirmDownload,
      });
      await mkdir(labLogDir(env), { recursive: true });
      await writeFile(logFile, `# kind output of k8s-sec-lab up, ${new Date().toISOString()}\n`);
      return kindProviderFor(kind, engine, env, { runner, platform, logFile });
    },
    async renderConfig() {
      const cgroupV1 = platform === 'linux' && hostCgroupVersion(cgroupRoot(env)) === 1;
      if (cgroupV1) options.warn?.(`${cgroupV1Note}; ${cgroupV2Fix}`);
      return renderKindConfig(labCacheDir(env), kindConfigTemplate, { cgroupV1, ...(options.nodeImage ? { nodeImage: options.nodeImage.image } : {}) });
    },
    connect: (kubeconfig) => clientFromKubeconfig(kubeconfig, env),
    checkReady: checkReadiness,
    waitReady: (client, expectedNodes) => waitUntilReady(client, { expectedNodes, timeoutMs: readyTimeoutMs }),
    isolateDns: (client) => isolateClusterDns(client),
    async installAddons(client) {
      for (const name of addonNames) await installAddon(client, name, () => {}, options.images);
      return `installed ${addonNames.join(', ')}`;
    },
    probeNetworkPolicy: (client) => probeNetworkPolicy(client, { images: options.images }),
    readMarker,
    markCluster,
    decide: options.decide,
    interruptible: (run) => interruptible(run, options.signal),
  };
}

/** While `run` is busy, Ctrl-C (or the caller's signal) aborts its signal instead of killing the lab outright. */
async function interruptible<T>(run: (signal: AbortSignal) => Promise<T>, external: AbortSignal | undefined): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  external?.addEventListener('abort', abort, { once: true });
  if (external?.aborted) abort();
  try {
    return await run(controller.signal);
  } catch (error) {
    throw controller.signal.aborted && !(error instanceof CommandInterruptedError) ? new CommandInterruptedError('kind', '') : error;
  } finally {
    process.off('SIGINT', abort);
    external?.removeEventListener('abort', abort);
  }
}
