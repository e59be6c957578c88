import type { PrintableCommand } from '../cluster/provider.js';
import { LabError } from '../errors.js';
import { packageRoot } from '../lab-dirs.js';
import { mapImage } from '../manifests/image-map.js';
import { labClusterName, type ContainerEngine } from '../names.js';
import type { LabSession } from './session.js';

/** One image the lab uses: where, and what the image map makes of it. */
export interface ImageUse {
  /** As the manifests write it. */
  image: string;
  /** Files relative to the catalogue or package root, and the lab's own pods. */
  usedBy: string[];
  /** A kind node image (labs/cluster/kind.yaml): `up` runs it, `images load` does not load it. */
  node: boolean;
  /** Its replacement, when the image map has one. */
  mapped?: string;
}

export interface ImageList {
  /** The image map file, when one is given. */
  imageMap?: string;
  images: ImageUse[];
}

/**
 * Every image the lab and its scenarios use: each `image:` of the scenarios
 * (setup, solution, attack manifests and the docs that quote them), of
 * labs/ (add-ons and the kind node image), and of the pods `up` creates
 * itself; with the mapped value under the session's image map.
 */
export async function listImages(session: LabSession): Promise<ImageList> {
  const [{ scanImageRefs }, { defaultCatalogueRoot }, { probeImage }, { templateNodeImages }, map] = await Promise.all([
    import('../manifests/image-refs.js'),
    import('../catalogue/load.js'),
    import('../cluster/netpol-probe.js'),
    import('../cluster/kind/config.js'),
    session.images(),
  ]);
  const catalogueRoot = defaultCatalogueRoot(session.options.env);
  // Scenarios come from the catalogue; add-ons and the kind config always from the package.
  const scans = catalogueRoot === packageRoot ? [await scanImageRefs(packageRoot)] : [await scanImageRefs(catalogueRoot, ['scenarios']), await scanImageRefs(packageRoot, ['labs'])];
  const uses = new Map<string, string[]>();
  const add = (image: string, where: string[]) => uses.set(image, [...new Set([...(uses.get(image) ?? []), ...where])]);
  for (const scan of scans) for (const [image, files] of scan) add(image, files);
  add(probeImage, ['the NetworkPolicy probe of `up`']);
  const nodeImages = (await templateNodeImages()).all;
  const images = [...uses]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([image, usedBy]): ImageUse => {
      const mapped = mapImage(map, image);
      return { image, usedBy, node: nodeImages.has(image), ...(mapped === image ? {} : { mapped }) };
    });
  return { ...(map.file ? { imageMap: map.file } : {}), images };
}

/** Progress of `images load`: one event before each image. */
export interface LoadEvent {
  index: number;
  total: number;
  image: string;
  command: PrintableCommand;
}

/**
 * Copies every image the lab's pods use (mapped, when a map is given) from
 * the container engine into the nodes of the lab's own kind cluster, one
 * `kind load docker-image` each. Node images are left out: the nodes run
 * them already. With `dryRun`, only reports the commands.
 */
export async function loadImages(session: LabSession, request: { provider?: ContainerEngine; dryRun?: boolean; report: (event: LoadEvent) => void }): Promise<{ loaded: string[] }> {
  const [{ kindProviderFor }, { selectEngine }, { locateKind }, { kindInstallHint }, { execaRunner }] = await Promise.all([
    import('../cluster/kind/provider.js'),
    import('../cluster/kind/engine.js'),
    import('../cluster/kind/locate.js'),
    import('../cluster/kind/install-hint.js'),
    import('../cluster/runner.js'),
  ]);
  const { env } = session.options;
  const targets = [...new Set((await listImages(session)).images.filter((use) => !use.node).map((use) => use.mapped ?? use.image))];
  const lookup = await locateKind(execaRunner, env, process.platform);
  if (lookup.status === 'missing') {
    throw new LabError('kind is not installed, so the lab cannot load images into its cluster', { fix: `install kind (${kindInstallHint(process.platform, process.arch, env)}), or let \`k8s-sec-lab up --yes\` download it` });
  }
  const provider = kindProviderFor(lookup.kind, selectEngine(request.provider, env), env);
  if (!request.dryRun && !(await provider.list()).includes(labClusterName)) {
    throw new LabError(`there is no kind cluster ${labClusterName} to load images into`, { fix: 'create it with `k8s-sec-lab up` (images load only loads into the lab\'s own cluster)' });
  }
  const loaded: string[] = [];
  for (const [index, image] of targets.entries()) {
    request.report({ index: index + 1, total: targets.length, image, command: provider.loadImageCommand(labClusterName, image) });
    if (request.dryRun) continue;
    await provider.loadImage(labClusterName, image);
    loaded.push(image);
  }
  return { loaded };
}
