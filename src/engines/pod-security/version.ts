/** The newest policy version this evaluator knows; `latest` means this one. */
export const latestPolicyMinor = 37;

/** Every version the CLI accepts, oldest first: v1.0 … v1.37 and latest. */
export const podSecurityVersions: readonly string[] = [
  ...Array.from({ length: latestPolicyMinor + 1 }, (_, minor) => `v1.${minor}`),
  'latest',
];

// Upstream's api.ParseVersion pattern: v1.<minor> without leading zeros.
const versionPattern = /^v1\.(0|[1-9][0-9]*)$/;

/**
 * The policy minor version a `latest` / `v1.x` string selects, or undefined when
 * it is neither. Like the admission controller, a version newer than the newest
 * known one is evaluated with the newest checks.
 */
export function policyMinorOf(version: string): number | undefined {
  if (version === 'latest') return latestPolicyMinor;
  const match = versionPattern.exec(version);
  if (!match) return undefined;
  return Math.min(Number(match[1]), latestPolicyMinor);
}
