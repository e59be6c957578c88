import { LabError } from '../../errors.js';
import { downloadVerified } from './download.js';
import { kindInstallHint } from './install-hint.js';
import { cachedKindPath, type KindBinary, type KindLookup } from './locate.js';
import { kindAssetName, kindDownloadUrl, minimumKindVersion, pinnedKindVersion } from './release.js';

export interface KindInstallDeps {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
  /** Asks the user; resolves false when they decline or cannot be asked. */
  confirm: (question: string) => Promise<boolean>;
  signal?: AbortSignal;
}

/**
 * The kind to use: the one found, or (after the user agrees) the pinned
 * release downloaded into the lab's cache and verified against its published
 * checksum. Otherwise an error that says how to install kind by hand.
 */
export async function ensureKind(lookup: KindLookup, deps: KindInstallDeps): Promise<KindBinary> {
  if (lookup.status === 'found') return lookup.kind;
  const problem =
    lookup.status === 'too-old'
      ? `the kind on PATH (${lookup.kind.path}, ${lookup.kind.version ?? 'unknown version'}) is too old: the lab needs kind ${minimumKindVersion} or newer`
      : 'kind is not installed (not on PATH)';
  const hint = kindInstallHint(deps.platform, deps.arch, deps.env);
  const asset = kindAssetName(deps.platform, deps.arch);
  if (!asset) throw new LabError(problem, { fix: `install kind ${pinnedKindVersion}: ${hint}` });

  const url = kindDownloadUrl(deps.env, asset);
  const dest = cachedKindPath(deps.env, deps.platform);
  const agreed = await deps.confirm(`${problem}. Download kind ${pinnedKindVersion} from ${url} into ${dest} (verified against its published SHA-256)?`);
  if (!agreed) throw new LabError(problem, { fix: `rerun with --yes to let the lab download kind ${pinnedKindVersion}, or install it: ${hint}` });
  await downloadVerified(url, dest, { fix: hint, ...(deps.signal ? { signal: deps.signal } : {}) });
  return { path: dest, version: pinnedKindVersion, source: 'cache' };
}
