import type { CheckDefinition, CheckFn } from '../check.js';
import { listOf, objectOrEmpty, show } from '../json.js';

// Each policy version allows the previous version's safe sysctls plus a few more.
const sysctlsV1Dot0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const sysctlsV1Dot27 = [...sysctlsV1Dot0, 'net.ipv4.ip_local_reserved_ports'];
const sysctlsV1Dot29 = [
  ...sysctlsV1Dot27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const sysctlsV1Dot32 = [...sysctlsV1Dot29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const sysctlsV1Dot37 = [...sysctlsV1Dot32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function allowOnly(safeSysctls: readonly string[]): CheckFn {
  const safe: ReadonlySet<unknown> = new Set(safeSysctls);
  const allowedText = safeSysctls.join(', ');
  return (pod) => {
    const context = pod.securityContexts[0]!;
    return listOf(context.fields?.sysctls).flatMap((sysctl, index) => {
      const name = objectOrEmpty(sysctl).name;
      if (safe.has(name)) return [];
      return [
        {
          path: `${context.path}.sysctls[${index}].name`,
          message: `sysctl ${show(name)} is not a safe, namespaced sysctl; allowed: ${allowedText}`,
          fix: 'remove the sysctl; node-level tuning belongs to the node, not to a pod',
        },
      ];
    });
  };
}

/** Unsafe sysctls can disable security mechanisms or affect every pod on the node. */
export const sysctls: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minVersion: 0, evaluate: allowOnly(sysctlsV1Dot0) },
    { minVersion: 27, evaluate: allowOnly(sysctlsV1Dot27) },
    { minVersion: 29, evaluate: allowOnly(sysctlsV1Dot29) },
    { minVersion: 32, evaluate: allowOnly(sysctlsV1Dot32) },
    { minVersion: 37, evaluate: allowOnly(sysctlsV1Dot37) },
  ],
};
