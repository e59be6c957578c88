import { describe, expect, it } from 'vitest';
import { evaluatePodSecurity } from '../../../src/engines/pod-security/index.js';
import { failingChecks } from './helpers.js';

// Graders feed live objects and audit feeds hand-written YAML: neither may crash the evaluator.
const oddSpecs: [string, unknown][] = [
  ['no spec', undefined],
  ['a null spec', null],
  ['a string spec', 'spec'],
  ['containers that are not a list', { containers: { name: 'app' } }],
  ['container entries that are not objects', { containers: [null, 7, 'app', ['x']] }],
  ['a securityContext that is a string', { securityContext: 'restricted', containers: [{ name: 'a', securityContext: 'x' }] }],
  ['capabilities that are a string', { containers: [{ name: 'a', securityContext: { capabilities: 'ALL' } }] }],
  ['capability lists that are not lists', { containers: [{ name: 'a', securityContext: { capabilities: { add: 'SYS_ADMIN', drop: 'ALL' } } }] }],
  ['volumes that are an object', { volumes: { data: { hostPath: { path: '/' } } } }],
  ['ports and sysctls of the wrong shape', { securityContext: { sysctls: [null, 'x'] }, containers: [{ name: 'a', ports: [null, 5] }] }],
  ['probes of the wrong shape', { containers: [{ name: 'a', livenessProbe: 'http', lifecycle: { preStop: 5 } }] }],
];

describe('evaluatePodSecurity on odd shapes', () => {
  it.each(oddSpecs)('does not throw on %s', (_, spec) => {
    for (const metadata of [undefined, null, 'x', { annotations: ['x'] }, { annotations: { a: 1 } }]) {
      expect(() => evaluatePodSecurity(metadata, spec)).not.toThrow();
    }
  });

  it('reads a non-object container as one that sets nothing, so restricted still fails for it', () => {
    const result = evaluatePodSecurity({}, { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: ['app'] });
    expect(result.level).toBe('baseline');
    expect(failingChecks(result)).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted']);
    expect(result.violations[0]!.message).toContain('container spec.containers[0]');
  });

  it('fails closed on wrongly typed values of checked fields', () => {
    const spec = { hostNetwork: 'yes', containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: '80' }], securityContext: { runAsUser: '0' } }] };
    expect(failingChecks(evaluatePodSecurity({}, spec))).toEqual(
      expect.arrayContaining(['hostNamespaces', 'hostPorts', 'runAsUser']),
    );
  });

  it('treats an unnamed container by its path in messages', () => {
    const result = evaluatePodSecurity({}, { initContainers: [{ securityContext: { privileged: true } }] });
    expect(result.violations[0]!.message).toMatch(/^container spec\.initContainers\[0\] sets privileged=true/);
  });
});
