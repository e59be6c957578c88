import { checkIds, type CheckIdKey, type IndustryIds } from '../check-ids.js';

/** Hardening advice beyond Pod Security: each is a row of the industry check ID table. */
export type HardeningFindingId = Extract<
  CheckIdKey,
  'readOnlyRootFilesystem' | 'automountServiceAccountToken' | 'resourceLimits' | 'latestTag' | 'secretsInEnv'
>;

export interface HardeningFinding {
  id: HardeningFindingId;
  /** The scanners' IDs for exactly this finding (a subset of the table row `checkIds[id]`). */
  ids: IndustryIds;
  /** Field path relative to the evaluated object. */
  path: string;
  /** What was observed and what is expected. */
  message: string;
  /** A one-line remedy. */
  fix: string;
}

/** The IDs of a table row, narrowed per tool where only some of the row's checks match the finding. */
export function industryIds(key: HardeningFindingId, narrowed: Partial<IndustryIds> = {}): IndustryIds {
  const { pss, kubescape, polaris, kubeLinter, trivy } = checkIds[key];
  return { pss, kubescape, polaris, kubeLinter, trivy, ...narrowed };
}
