import type { CheckDefinition, CheckFn } from './check.js';
import { allowPrivilegeEscalation } from './checks/allow-privilege-escalation.js';
import { appArmorProfile } from './checks/app-armor-profile.js';
import { capabilitiesBaseline, capabilitiesRestricted } from './checks/capabilities.js';
import { hostNamespaces } from './checks/host-namespaces.js';
import { hostPathVolumes } from './checks/host-path-volumes.js';
import { hostPorts } from './checks/host-ports.js';
import { hostProbesAndHostLifecycle } from './checks/host-probes-and-host-lifecycle.js';
import { privileged } from './checks/privileged.js';
import { procMount, procMountRestricted } from './checks/proc-mount.js';
import { restrictedVolumes } from './checks/restricted-volumes.js';
import { runAsNonRoot } from './checks/run-as-non-root.js';
import { runAsUser } from './checks/run-as-user.js';
import { seLinuxOptions } from './checks/se-linux-options.js';
import { seccompProfileBaseline, seccompProfileRestricted } from './checks/seccomp-profile.js';
import { sysctls } from './checks/sysctls.js';
import { windowsHostProcess } from './checks/windows-host-process.js';
import type { PodSecurityCheckId } from './types.js';
import { latestPolicyMinor } from './version.js';

export const checkDefinitions: readonly CheckDefinition[] = [
  privileged,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  capabilitiesBaseline,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];

export interface ActiveCheck {
  id: PodSecurityCheckId;
  level: 'baseline' | 'restricted';
  evaluate: CheckFn;
}

/** The checks in force at one policy version. */
export interface Policy {
  /** Every baseline-level check: the whole baseline policy. */
  baseline: readonly ActiveCheck[];
  /** Every restricted-level check; the restricted policy is these plus the baseline checks they do not override. */
  restricted: readonly ActiveCheck[];
  overridden: ReadonlySet<PodSecurityCheckId>;
}

// Built once at load, one entry per minor version, like upstream's checkRegistry.
const policies: readonly Policy[] = Array.from({ length: latestPolicyMinor + 1 }, (_, minor) => policyFor(minor));

export function policyAt(minor: number): Policy {
  return policies[Math.min(minor, latestPolicyMinor)]!;
}

function policyFor(minor: number): Policy {
  const baseline: ActiveCheck[] = [];
  const restricted: ActiveCheck[] = [];
  const overridden = new Set<PodSecurityCheckId>();
  // Upstream orders checks by ID (byte order) so messages are stable.
  const byId = [...checkDefinitions].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const check of byId) {
    const revision = check.versions.findLast((version) => version.minVersion <= minor);
    if (!revision) continue;
    (check.level === 'baseline' ? baseline : restricted).push({ id: check.id, level: check.level, evaluate: revision.evaluate });
    for (const id of revision.overrides ?? []) overridden.add(id);
  }
  return { baseline, restricted, overridden };
}
