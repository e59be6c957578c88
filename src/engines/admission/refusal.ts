/**
 * Who refused a request, read from the API server's Status message. Only
 * admission refusals count: an RBAC refusal of the lab's own request, a
 * validation error in the manifest, or a webhook that could not be called
 * say nothing about whether the cluster stops the attacker. Pure.
 */

export type Refuser =
  | { by: 'PodSecurity'; level: string }
  | { by: 'ValidatingAdmissionPolicy'; policy: string; binding: string }
  | { by: 'admission webhook'; webhook: string }
  | { by: 'ResourceQuota'; quota?: string }
  | { by: 'LimitRanger' };

export interface Refusal {
  refuser: Refuser;
  /** What the refuser said, after its own prefix. */
  detail: string;
}

const patterns: { pattern: RegExp; refuser: (match: RegExpExecArray) => Refuser }[] = [
  // pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)
  { pattern: /violates PodSecurity "([^"]*)":\s*([\s\S]*)$/, refuser: (match) => ({ by: 'PodSecurity', level: match[1] ?? '' }) },
  // pods "p" is invalid: : ValidatingAdmissionPolicy 'no-host-pid' with binding 'no-host-pid-ops' denied request: hostPID is not allowed
  { pattern: /ValidatingAdmissionPolicy '([^']*)' with binding '([^']*)' denied request:\s*([\s\S]*)$/, refuser: (match) => ({ by: 'ValidatingAdmissionPolicy', policy: match[1] ?? '', binding: match[2] ?? '' }) },
  // admission webhook "deny.example.com" denied the request: no privileged pods
  { pattern: /admission webhook "([^"]*)" denied the request(?::\s*([\s\S]*))?$/, refuser: (match) => ({ by: 'admission webhook', webhook: match[1] ?? '' }) },
  // pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0
  { pattern: /exceeded quota: ([^,]*),\s*([\s\S]*)$/, refuser: (match) => ({ by: 'ResourceQuota', quota: match[1] ?? '' }) },
  // pods "p" is forbidden: failed quota: q: must specify limits.cpu for: c
  { pattern: /failed quota: ([^:]*):\s*([\s\S]*)$/, refuser: (match) => ({ by: 'ResourceQuota', quota: match[1] ?? '' }) },
  // pods "p" is forbidden: maximum cpu usage per Container is 100m, but limit is 1
  { pattern: /((?:maximum|minimum) \S+ usage per (?:Container|Pod|PersistentVolumeClaim) is[\s\S]*|\S+ max limit to request ratio per (?:Container|Pod) is[\s\S]*)$/, refuser: () => ({ by: 'LimitRanger' }) },
];

/** The admission refusal in a Status message, or undefined when nothing in admission refused it. */
export function parseRefusal(message: string): Refusal | undefined {
  for (const { pattern, refuser } of patterns) {
    const match = pattern.exec(message);
    if (match) return { refuser: refuser(match), detail: (match[match.length - 1] ?? '').trim() };
  }
  return undefined;
}

/** "Pod Security (baseline:latest)", "ValidatingAdmissionPolicy no-host-pid (binding no-host-pid-ops)". */
export function describeRefuser(refuser: Refuser): string {
  switch (refuser.by) {
    case 'PodSecurity':
      return `Pod Security (${refuser.level})`;
    case 'ValidatingAdmissionPolicy':
      return `ValidatingAdmissionPolicy ${refuser.policy} (binding ${refuser.binding})`;
    case 'admission webhook':
      return `admission webhook ${refuser.webhook}`;
    case 'ResourceQuota':
      return `ResourceQuota${refuser.quota ? ` ${refuser.quota}` : ''}`;
    case 'LimitRanger':
      return 'a LimitRange';
  }
}

/** Whether the message is RBAC refusing the requester itself ("User "x" cannot create resource ..."). */
export function isAuthorizationRefusal(message: string): boolean {
  return /\bcannot \S+ resource "[^"]*"/.test(message);
}
