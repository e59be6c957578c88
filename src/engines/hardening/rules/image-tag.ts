import type { PodView } from '../../pod-security/pod-view.js';
import { industryIds, type HardeningFinding } from '../finding.js';

const ids = industryIds('latestTag', { polaris: ['tagNotSpecified'] });

/** The tag of an image reference, undefined when it has none; a digest-pinned reference counts as pinned. */
export function imageTagOf(image: string): { pinned: true } | { pinned: false; tag: string | undefined } {
  if (image.includes('@')) return { pinned: true };
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return { pinned: false, tag: colon === -1 ? undefined : name.slice(colon + 1) };
}

/** `:latest` or no tag means the running code changes whenever the registry does, unreviewed. */
export function unpinnedImages(pod: PodView): HardeningFinding[] {
  const findings: HardeningFinding[] = [];
  for (const container of pod.containers) {
    const image = container.fields.image;
    if (typeof image !== 'string' || image === '') continue;
    const reference = imageTagOf(image);
    if (reference.pinned || (reference.tag !== undefined && reference.tag !== 'latest')) continue;
    findings.push({
      id: 'latestTag',
      ids,
      path: `${container.path}.image`,
      message: `${container.label} uses image ${JSON.stringify(image)}, ${reference.tag === undefined ? 'which has no tag (means :latest)' : 'tagged :latest'}; expected a version tag or a digest`,
      fix: 'pin the image to a version tag, or better a digest (image@sha256:...)',
    });
  }
  return findings;
}
