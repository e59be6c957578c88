import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { planeModuleDir } from './paths.js';

interface GoModJson {
  Require?: { Path: string; Version: string }[];
  Replace?: { Old: { Path: string }; New: { Path: string; Version?: string } }[];
}

/**
 * Points the plane module at a Kubernetes release. k8s.io/kubernetes replaces
 * every staging module (k8s.io/api, k8s.io/client-go, ...) with a local path,
 * which a dependent module cannot use; this derives the equivalent replace
 * block (each staging module at v0.<minor>.<patch>) from that release's own
 * go.mod so it is never maintained by hand.
 */
export async function syncKubernetes(version: string, log: (line: string) => void): Promise<void> {
  const match = /^v1\.(\d+\.\d+)$/.exec(version);
  if (!match) throw new Error(`sync: "${version}" is not a Kubernetes release tag such as v1.36.3`);
  const stagingVersion = `v0.${match[1]}`;

  log(`downloading k8s.io/kubernetes@${version} metadata`);
  const { stdout } = await execa('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`]);
  const { GoMod } = JSON.parse(stdout) as { GoMod: string };
  const upstream = JSON.parse(
    (await execa('go', ['mod', 'edit', '-json', GoMod])).stdout,
  ) as GoModJson;

  const staging = (upstream.Replace ?? [])
    .filter((r) => r.New.Path.startsWith('./staging/'))
    .map((r) => r.Old.Path)
    .sort();
  if (staging.length === 0) throw new Error(`sync: k8s.io/kubernetes@${version} declares no staging replacements`);

  const current = JSON.parse((await execa('go', ['mod', 'edit', '-json'], { cwd: planeModuleDir })).stdout) as GoModJson;
  const dropOld = (current.Replace ?? []).map((r) => `-dropreplace=${r.Old.Path}`);
  const replaces = staging.map((path) => `-replace=${path}=${path}@${stagingVersion}`);
  await execa('go', ['mod', 'edit', ...dropOld, `-require=k8s.io/kubernetes@${version}`, ...replaces], {
    cwd: planeModuleDir,
  });
  log(`replaced ${staging.length} staging modules with ${stagingVersion}; running go mod tidy`);
  await execa('go', ['mod', 'tidy'], { cwd: planeModuleDir, stdio: 'inherit' });
}

/** The Kubernetes release the plane module is pinned to, read from its go.mod. */
export async function pinnedKubernetesVersion(): Promise<string> {
  const goMod = await readFile(`${planeModuleDir}/go.mod`, 'utf8');
  const match = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(goMod);
  if (!match?.[1]) throw new Error('testplane go.mod does not require k8s.io/kubernetes: run npm run testplane:sync');
  return match[1];
}
