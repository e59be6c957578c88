import { describe, expect, it } from 'vitest';
import { LabError } from '../../../src/errors.js';
import { latestPolicyMinor, podSecurityVersions, policyMinorOf } from '../../../src/engines/pod-security/index.js';
import { evaluate, restrictedSpec } from './helpers.js';

describe('policy versions', () => {
  it('know v1.0 … v1.37 and latest, latest being v1.37', () => {
    expect(latestPolicyMinor).toBe(37);
    expect(podSecurityVersions[0]).toBe('v1.0');
    expect(podSecurityVersions.slice(-2)).toEqual(['v1.37', 'latest']);
    expect(policyMinorOf('latest')).toBe(37);
    expect(policyMinorOf('v1.25')).toBe(25);
  });

  it('evaluate a version newer than v1.37 with the newest checks, as the admission controller does', () => {
    expect(policyMinorOf('v1.40')).toBe(37);
  });

  it.each(['1.37', 'v1.05', 'v2.0', 'v1', 'Latest', ''])('reject %j', (version) => {
    expect(policyMinorOf(version)).toBeUndefined();
  });

  it('default to latest, and an evaluation at an unknown version is an error naming it', () => {
    const spec = restrictedSpec();
    spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }];
    expect(evaluate(spec).level).toBe('restricted');
    expect(() => evaluate(spec, { version: 'v1.3x' })).toThrow(LabError);
    expect(() => evaluate(spec, { version: 'v1.3x' })).toThrow('"v1.3x"');
  });
});
