import { describe, expect, it } from 'vitest';
import { describeRefuser, isAuthorizationRefusal, parseRefusal } from '../../../src/engines/admission/refusal.js';

// Status messages as kube-apiserver 1.36 sends them (seen on the test plane; the integration test replays each).
const messages = {
  podSecurity: 'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)',
  policy: "pods \"p\" is invalid: : ValidatingAdmissionPolicy 'no-host-pid' with binding 'no-host-pid-adm' denied request: hostPID is not allowed",
  webhook: 'admission webhook "labels.k8s-sec-lab.example" denied the request: pods labelled webhook=deny are not welcome',
  quota: 'pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0',
  quotaLimits: 'pods "p" is forbidden: failed quota: q: must specify limits.cpu for: c',
  limitRange: 'pods "p" is forbidden: maximum cpu usage per Container is 100m, but limit is 1',
  rbac: 'pods is forbidden: User "k8s-sec-lab-tester" cannot create resource "pods" in API group "" in the namespace "adm2"',
  invalid: 'Pod "bad" is invalid: spec.containers[0].name: Invalid value: "Not_Valid": a lowercase RFC 1123 label must consist of ...',
};

describe('parseRefusal', () => {
  it('names each admission refuser and keeps what it said', () => {
    const describe = (message: string) => {
      const refusal = parseRefusal(message);
      return refusal && `${describeRefuser(refusal.refuser)}: ${refusal.detail}`;
    };
    expect(describe(messages.podSecurity)).toBe('Pod Security (baseline:latest): host namespaces (hostPID=true)');
    expect(describe(messages.policy)).toBe('ValidatingAdmissionPolicy no-host-pid (binding no-host-pid-adm): hostPID is not allowed');
    expect(describe(messages.webhook)).toBe('admission webhook labels.k8s-sec-lab.example: pods labelled webhook=deny are not welcome');
    expect(describe(messages.quota)).toBe('ResourceQuota q: requested: pods=1, used: pods=0, limited: pods=0');
    expect(describe(messages.quotaLimits)).toBe('ResourceQuota q: must specify limits.cpu for: c');
    expect(describe(messages.limitRange)).toBe('a LimitRange: maximum cpu usage per Container is 100m, but limit is 1');
  });

  it('reads a webhook that refuses without a message', () => {
    expect(parseRefusal('admission webhook "deny.example.com" denied the request')).toEqual({ refuser: { by: 'admission webhook', webhook: 'deny.example.com' }, detail: '' });
  });

  it('finds no admission refusal in an RBAC refusal or a validation error', () => {
    expect(parseRefusal(messages.rbac)).toBeUndefined();
    expect(parseRefusal(messages.invalid)).toBeUndefined();
    expect(isAuthorizationRefusal(messages.rbac)).toBe(true);
    expect(isAuthorizationRefusal(messages.podSecurity)).toBe(false);
  });
});
