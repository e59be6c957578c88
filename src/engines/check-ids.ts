import { podSecurityCheckIds, type PodSecurityCheckId } from './pod-security/types.js';

/**
 * The IDs under which common scanners report one misconfiguration, so debriefs
 * and graders can say "kubescape C-0057 / Trivy KSV-0017 would catch this".
 * One row per line of shared/reference/check-ids.tsv (test/fixtures/reference
 * holds a copy and a test keeps both in step). The first ID of a tool is its
 * main check; the others are related checks the sheet names in parentheses.
 */
export interface IndustryIds {
  pss: readonly PodSecurityCheckId[];
  kubescape: readonly string[];
  polaris: readonly string[];
  kubeLinter: readonly string[];
  trivy: readonly string[];
}

export interface CheckIdRow extends IndustryIds {
  /** The sheet's first column, verbatim. */
  misconfiguration: string;
  /** What the sheet adds in prose about the IDs, when it matters. */
  note?: string;
}

export const checkIds = {
  privileged: {
    misconfiguration: 'privileged: true',
    pss: ['privileged'],
    kubescape: ['C-0057'],
    polaris: ['runAsPrivileged'],
    kubeLinter: ['privileged-container'],
    trivy: ['KSV-0017'],
  },
  allowPrivilegeEscalation: {
    misconfiguration: 'allowPrivilegeEscalation not false',
    pss: ['allowPrivilegeEscalation'],
    kubescape: ['C-0016'],
    polaris: ['privilegeEscalationAllowed'],
    kubeLinter: ['privilege-escalation-container'],
    trivy: ['KSV-0001'],
  },
  runAsNonRoot: {
    misconfiguration: 'may run as root (runAsNonRoot missing/false)',
    pss: ['runAsNonRoot'],
    kubescape: ['C-0013'],
    polaris: ['runAsRootAllowed'],
    kubeLinter: ['run-as-non-root'],
    trivy: ['KSV-0012'],
  },
  runAsUser: {
    misconfiguration: 'runAsUser: 0',
    pss: ['runAsUser'],
    kubescape: ['C-0013'],
    polaris: ['runAsRootAllowed'],
    kubeLinter: ['run-as-non-root'],
    trivy: ['KSV-0105', 'KSV-0020', 'KSV-0116'],
    note: 'Trivy KSV-0020 flags UIDs <= 10000, KSV-0116 a root group',
  },
  readOnlyRootFilesystem: {
    misconfiguration: 'readOnlyRootFilesystem not true',
    pss: [],
    kubescape: ['C-0017'],
    polaris: ['notReadOnlyRootFilesystem'],
    kubeLinter: ['no-read-only-root-fs'],
    trivy: ['KSV-0014'],
  },
  hostNetwork: {
    misconfiguration: 'hostNetwork: true',
    pss: ['hostNamespaces'],
    kubescape: ['C-0041'],
    polaris: ['hostNetworkSet'],
    kubeLinter: ['host-network'],
    trivy: ['KSV-0009'],
  },
  hostPidIpc: {
    misconfiguration: 'hostPID / hostIPC',
    pss: ['hostNamespaces'],
    kubescape: ['C-0038', 'C-0275', 'C-0276'],
    polaris: ['hostPIDSet', 'hostIPCSet'],
    kubeLinter: ['host-pid', 'host-ipc'],
    trivy: ['KSV-0010', 'KSV-0008'],
    note: 'the first of each pair is hostPID, the second hostIPC',
  },
  hostPath: {
    misconfiguration: 'hostPath volume',
    pss: ['hostPathVolumes', 'restrictedVolumes'],
    kubescape: ['C-0048', 'C-0045'],
    polaris: ['hostPathSet'],
    kubeLinter: ['sensitive-host-mounts', 'writable-host-mount'],
    trivy: ['KSV-0023', 'KSV-0121'],
    note: 'kubescape C-0045 is for writable hostPath mounts; Trivy KSV-0121 for disallowed paths',
  },
  containerRuntimeSocket: {
    misconfiguration: 'container runtime socket mounted',
    pss: ['hostPathVolumes'],
    kubescape: ['C-0074'],
    polaris: ['hostPathSet'],
    kubeLinter: ['docker-sock'],
    trivy: ['KSV-0006'],
  },
  hostPort: {
    misconfiguration: 'hostPort set',
    pss: ['hostPorts'],
    kubescape: ['C-0044'],
    polaris: ['hostPortSet'],
    kubeLinter: [],
    trivy: ['KSV-0024'],
  },
  addedCapabilities: {
    misconfiguration: 'added non-default / dangerous capabilities',
    pss: ['capabilities_baseline'],
    kubescape: ['C-0046', 'C-0057'],
    polaris: ['dangerousCapabilities'],
    kubeLinter: [],
    trivy: ['KSV-0022', 'KSV-0005', 'KSV-0119', 'KSV-0120'],
    note: 'kubescape C-0057 also for SYS_ADMIN; Polaris covers ALL, SYS_ADMIN, NET_ADMIN; Trivy KSV-0005 SYS_ADMIN, KSV-0119 NET_RAW, KSV-0120 SYS_MODULE',
  },
  unrestrictedCapabilities: {
    misconfiguration: 'capabilities not drop ALL / add beyond NET_BIND_SERVICE',
    pss: ['capabilities_restricted'],
    kubescape: ['C-0211', 'C-0055'],
    polaris: ['insecureCapabilities'],
    kubeLinter: ['drop-net-raw-capability'],
    trivy: ['KSV-0003', 'KSV-0004', 'KSV-0106'],
    note: 'kubescape C-0055 covers it partly; kube-linter checks NET_RAW only; Trivy KSV-0003 is drop ALL',
  },
  seccomp: {
    misconfiguration: 'seccomp Unconfined / unset',
    pss: ['seccompProfile_baseline', 'seccompProfile_restricted'],
    kubescape: ['C-0210', 'C-0055'],
    polaris: ['linuxHardening'],
    kubeLinter: [],
    trivy: ['KSV-0104', 'KSV-0030'],
    note: 'Trivy KSV-0104 flags Unconfined, KSV-0030 a missing RuntimeDefault',
  },
  appArmor: {
    misconfiguration: 'AppArmor unconfined',
    pss: ['appArmorProfile'],
    kubescape: ['C-0055'],
    polaris: ['linuxHardening'],
    kubeLinter: [],
    trivy: ['KSV-0002'],
  },
  seLinux: {
    misconfiguration: 'custom SELinux type/user/role',
    pss: ['seLinuxOptions'],
    kubescape: ['C-0055'],
    polaris: ['linuxHardening'],
    kubeLinter: [],
    trivy: ['KSV-0025'],
  },
  procMount: {
    misconfiguration: 'procMount Unmasked',
    pss: ['procMount', 'procMount_restricted'],
    kubescape: ['C-0211'],
    polaris: ['procMount'],
    kubeLinter: ['unsafe-proc-mount'],
    trivy: ['KSV-0027'],
  },
  sysctls: {
    misconfiguration: 'unsafe sysctls',
    pss: ['sysctls'],
    kubescape: ['C-0211'],
    polaris: [],
    kubeLinter: ['unsafe-sysctls'],
    trivy: ['KSV-0026'],
  },
  windowsHostProcess: {
    misconfiguration: 'Windows hostProcess',
    pss: ['windowsHostProcess'],
    kubescape: ['C-0202', 'C-0211'],
    polaris: ['hostProcess'],
    kubeLinter: [],
    trivy: ['KSV-0103'],
  },
  nonCoreVolumes: {
    misconfiguration: 'non-core volume types',
    pss: ['restrictedVolumes'],
    kubescape: [],
    polaris: [],
    kubeLinter: [],
    trivy: ['KSV-0028'],
  },
  automountServiceAccountToken: {
    misconfiguration: 'SA token automounted',
    pss: [],
    kubescape: ['C-0034', 'C-0261', 'C-0190'],
    polaris: ['automountServiceAccountToken'],
    kubeLinter: [],
    trivy: ['KSV-0036'],
  },
  missingNetworkPolicy: {
    misconfiguration: 'pod not selected by any NetworkPolicy',
    pss: [],
    kubescape: ['C-0260', 'C-0030', 'C-0206'],
    polaris: ['missingNetworkPolicy'],
    kubeLinter: ['non-isolated-pod'],
    trivy: ['KSV-0038'],
  },
  resourceLimits: {
    misconfiguration: 'no CPU/memory limits',
    pss: [],
    kubescape: ['C-0009', 'C-0004', 'C-0050', 'C-0270', 'C-0271'],
    polaris: ['cpuLimitsMissing', 'memoryLimitsMissing'],
    kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'],
    trivy: ['KSV-0011', 'KSV-0018', 'KSV-0015', 'KSV-0016'],
    note: 'Trivy KSV-0015 and KSV-0016 are for missing CPU and memory requests',
  },
  latestTag: {
    misconfiguration: ':latest / no tag',
    pss: [],
    kubescape: ['C-0075'],
    polaris: ['tagNotSpecified', 'pullPolicyNotAlways'],
    kubeLinter: ['latest-tag'],
    trivy: ['KSV-0013'],
  },
  secretsInEnv: {
    misconfiguration: 'secrets in env vars',
    pss: [],
    kubescape: ['C-0207', 'C-0012'],
    polaris: ['sensitiveContainerEnvVar'],
    kubeLinter: ['env-var-secret', 'read-secret-from-env-var'],
    trivy: ['KSV-0109'],
    note: 'kubescape C-0207 and kube-linter read-secret-from-env-var flag Secrets read into env vars; C-0012, env-var-secret and Polaris flag secret-looking literal values; Trivy KSV-0109 is about ConfigMaps',
  },
  rbacPodExecAttach: {
    misconfiguration: 'RBAC allows pods/exec or attach',
    pss: [],
    kubescape: ['C-0002'],
    polaris: ['rolePodExecAttach', 'clusterrolePodExecAttach', 'clusterrolebindingPodExecAttach'],
    kubeLinter: [],
    trivy: ['KSV-0053', 'KSV-0054'],
    note: 'the sheet writes *bindingPodExecAttach; Polaris also has rolebindingClusterRolePodExecAttach and rolebindingRolePodExecAttach',
  },
  rbacPodPortForward: {
    misconfiguration: 'RBAC allows pods/portforward',
    pss: [],
    kubescape: ['C-0063'],
    polaris: [],
    kubeLinter: [],
    trivy: [],
  },
  rbacNodesProxy: {
    misconfiguration: 'RBAC nodes/proxy',
    pss: [],
    kubescape: ['C-0279'],
    polaris: [],
    kubeLinter: [],
    trivy: ['KSV-0047'],
  },
  cloudMetadataReachable: {
    misconfiguration: 'pods can reach cloud IMDS',
    pss: [],
    kubescape: ['C-0052'],
    polaris: [],
    kubeLinter: [],
    trivy: [],
    note: 'kubescape C-0052 is a node-level, cloud-only control',
  },
  defaultNamespace: {
    misconfiguration: 'workloads in default namespace',
    pss: [],
    kubescape: ['C-0061', 'C-0212'],
    polaris: [],
    kubeLinter: ['use-namespace'],
    trivy: ['KSV-0110'],
  },
} as const satisfies Record<string, CheckIdRow>;

export type CheckIdKey = keyof typeof checkIds;

/** The rows that name each Pod Security check, in sheet order (none for hostProbesAndHostLifecycle: no scanner has it). */
export const rowsForPssCheck: Readonly<Record<PodSecurityCheckId, readonly CheckIdKey[]>> = rowsByPssCheck();

function rowsByPssCheck(): Record<PodSecurityCheckId, CheckIdKey[]> {
  const rows = Object.fromEntries(podSecurityCheckIds.map((check) => [check, []])) as unknown as Record<PodSecurityCheckId, CheckIdKey[]>;
  for (const key of Object.keys(checkIds) as CheckIdKey[]) {
    for (const check of checkIds[key].pss) rows[check].push(key);
  }
  return rows;
}
