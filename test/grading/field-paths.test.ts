import { describe, expect, it } from 'vitest';
import { parsePath } from '../../src/grading/field-path-syntax.js';
import { checkExpectation, valuesAt } from '../../src/grading/field-paths.js';
import type { ExpectationSpec } from '../../src/grading/fields.js';

const pod = {
  metadata: { labels: { 'app.kubernetes.io/name': 'agent' } },
  spec: {
    containers: [
      { name: 'a', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
      { name: 'b', securityContext: {} },
    ],
  },
};

describe('parsePath', () => {
  it('reads keys, indexes, wildcards and quoted keys', () => {
    expect(parsePath('spec.containers[*].name')).toEqual([{ key: 'spec' }, { key: 'containers' }, { wildcard: true }, { key: 'name' }]);
    expect(parsePath('metadata.labels["pod-security.kubernetes.io/enforce"]')).toEqual([
      { key: 'metadata' },
      { key: 'labels' },
      { key: 'pod-security.kubernetes.io/enforce' },
    ]);
    expect(parsePath('spec.containers[1]')).toEqual([{ key: 'spec' }, { key: 'containers' }, { index: 1 }]);
  });

  it('rejects paths it cannot read completely', () => {
    expect(() => parsePath('spec..x')).toThrow(/invalid field path/);
    expect(() => parsePath('spec[')).toThrow(/invalid field path/);
  });
});

describe('valuesAt', () => {
  it('yields one value per wildcard element, undefined where the field is missing', () => {
    expect(valuesAt(pod, 'spec.containers[*].securityContext.allowPrivilegeEscalation')).toEqual([
      { path: 'spec.containers[0].securityContext.allowPrivilegeEscalation', value: false },
      { path: 'spec.containers[1].securityContext.allowPrivilegeEscalation', value: undefined },
    ]);
  });

  it('quotes keys that are not identifiers in the reported path', () => {
    expect(valuesAt(pod, 'metadata.labels["app.kubernetes.io/name"]')).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/name"]', value: 'agent' },
    ]);
  });

  it('yields nothing for a wildcard over a missing list', () => {
    expect(valuesAt(pod, 'spec.initContainers[*].name')).toEqual([]);
  });
});

describe('checkExpectation', () => {
  it('requires every value to satisfy the operator and reports the first that does not', () => {
    const outcome = checkExpectation(pod, { path: 'spec.containers[*].securityContext.allowPrivilegeEscalation', op: 'equals', value: false });
    expect(outcome).toMatchObject({ ok: false, path: 'spec.containers[1].securityContext.allowPrivilegeEscalation', observed: 'not set', expected: 'false' });
  });

  it('fails closed when nothing is found, except for absent', () => {
    expect(checkExpectation(pod, { path: 'spec.initContainers[*].image', op: 'notContains', value: 'latest' }).ok).toBe(false);
    expect(checkExpectation(pod, { path: 'spec.initContainers[*].image', op: 'absent' }).ok).toBe(true);
  });

  it.each([
    ['in', 'spec.containers[0].name', ['a', 'z'], true],
    ['notIn', 'spec.containers[0].name', ['a'], false],
    ['contains', 'spec.containers[0].securityContext.capabilities.drop', 'ALL', true],
    ['notContains', 'spec.containers[0].securityContext.capabilities.drop', 'ALL', false],
    ['matches', 'metadata.labels["app.kubernetes.io/name"]', '^ag', true],
    ['exists', 'spec.containers[1].securityContext', undefined, true],
  ] as const)('%s on %s', (op, path, value, ok) => {
    expect(checkExpectation(pod, { path, op, value } as ExpectationSpec).ok).toBe(ok);
  });

  it('compares numbers with gte and lte, and never coerces strings', () => {
    const deployment = { status: { availableReplicas: 2, note: '3' } };
    expect(checkExpectation(deployment, { path: 'status.availableReplicas', op: 'gte', value: 1 }).ok).toBe(true);
    expect(checkExpectation(deployment, { path: 'status.availableReplicas', op: 'lte', value: 1 }).ok).toBe(false);
    expect(checkExpectation(deployment, { path: 'status.note', op: 'gte', value: 1 }).ok).toBe(false);
  });
});
