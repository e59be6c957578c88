import { podView, type PodPaths, type PodView } from '../pod-security/pod-view.js';
import type { HardeningFinding } from './finding.js';
import { unpinnedImages } from './rules/image-tag.js';
import { writableRootFilesystems } from './rules/read-only-root-filesystem.js';
import { missingResourceLimits } from './rules/resource-limits.js';
import { secretsInEnv } from './rules/secrets-in-env.js';
import { automountedServiceAccountToken } from './rules/service-account-token.js';

export { industryIds, type HardeningFinding, type HardeningFindingId } from './finding.js';

const rules: readonly ((pod: PodView) => HardeningFinding[])[] = [
  writableRootFilesystems,
  automountedServiceAccountToken,
  missingResourceLimits,
  unpinnedImages,
  secretsInEnv,
];

/**
 * Hardening findings beyond the Pod Security Standards for one pod spec. Like
 * evaluatePodSecurity, it accepts any JSON and never throws; `paths.spec` places
 * the spec inside the evaluated object (e.g. `spec.template.spec`).
 */
export function hardeningFindings(podSpec: unknown, options: { paths?: PodPaths } = {}): HardeningFinding[] {
  const pod = podView(undefined, podSpec, options.paths);
  return rules.flatMap((rule) => rule(pod));
}
