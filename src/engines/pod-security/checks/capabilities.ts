import { exceptWindowsPods, type CheckDefinition, type CheckFn } from '../check.js';
import { listOf, objectOrUndefined, quoteAll, show } from '../json.js';
import type { SecurityContextView } from '../pod-view.js';
import type { FieldViolation } from '../types.js';

const defaultCapabilities = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const baselineAllowed: ReadonlySet<unknown> = new Set(defaultCapabilities);
const restrictedAllowed: ReadonlySet<unknown> = new Set(['NET_BIND_SERVICE']);

function capabilitiesOf(context: SecurityContextView) {
  return objectOrUndefined(context.fields?.capabilities);
}

/**
 * Names compare exactly, as in upstream: `CAP_CHOWN` or `chown` is not `CHOWN`.
 * When spelling is the only thing wrong with a name, say so.
 */
function spellingHint(names: readonly unknown[], accepted: ReadonlySet<unknown>): string {
  const misspelt = names.filter(
    (name): name is string => typeof name === 'string' && canonicalCapability(name) !== name && accepted.has(canonicalCapability(name)),
  );
  if (misspelt.length === 0) return '';
  const corrected = misspelt.map((name) => `${JSON.stringify(name)} -> ${JSON.stringify(canonicalCapability(name))}`);
  return ` (capability names are case-sensitive and have no CAP_ prefix: ${corrected.join(', ')})`;
}

function canonicalCapability(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}

function addedBeyond(allowed: ReadonlySet<unknown>, allowedText: string, fix: string) {
  return (context: SecurityContextView): FieldViolation[] => {
    const capabilities = capabilitiesOf(context);
    if (!capabilities) return [];
    const forbidden = [...new Set(listOf(capabilities.add).filter((name) => !allowed.has(name)))];
    if (forbidden.length === 0) return [];
    return [
      {
        path: `${context.path}.capabilities.add`,
        message: `${context.owner} adds ${quoteAll(forbidden)}; allowed: ${allowedText}${spellingHint(forbidden, allowed)}`,
        fix,
      },
    ];
  };
}

const addedBeyondDefaults = addedBeyond(
  baselineAllowed,
  `${defaultCapabilities.join(', ')} or none`,
  'remove those capabilities from securityContext.capabilities.add',
);
const addedBeyondNetBindService = addedBeyond(
  restrictedAllowed,
  'only NET_BIND_SERVICE',
  'remove every capability but NET_BIND_SERVICE from securityContext.capabilities.add',
);

const dropAll: ReadonlySet<unknown> = new Set(['ALL']);

function missingDropAll(context: SecurityContextView): FieldViolation[] {
  const drop = capabilitiesOf(context)?.drop;
  if (listOf(drop).some((name) => dropAll.has(name))) return [];
  return [
    {
      path: `${context.path}.capabilities.drop`,
      message: `${context.owner} does not drop ALL capabilities (drop: ${show(drop)}); must include "ALL"${spellingHint(listOf(drop), dropAll)}`,
      fix: 'set securityContext.capabilities.drop: ["ALL"]',
    },
  ];
}

/** Adding capabilities beyond the runtime's default set (e.g. NET_RAW, SYS_ADMIN) widens what a container can do to the node. */
export const capabilitiesBaseline: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minVersion: 0, evaluate: (pod) => pod.containerSecurityContexts.flatMap(addedBeyondDefaults) }],
};

const dropAllAddNetBindOnly: CheckFn = (pod) =>
  pod.containerSecurityContexts.flatMap((context) => [...missingDropAll(context), ...addedBeyondNetBindService(context)]);

/** Restricted containers drop ALL capabilities and may add back only NET_BIND_SERVICE. */
export const capabilitiesRestricted: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minVersion: 22, evaluate: dropAllAddNetBindOnly, overrides: ['capabilities_baseline'] },
    { minVersion: 25, evaluate: exceptWindowsPods(dropAllAddNetBindOnly), overrides: ['capabilities_baseline'] },
  ],
};
