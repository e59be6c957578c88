import { describe, expect, it } from 'vitest';
import { singleObjectWarnings } from '../../src/catalogue/single-object-checks.js';
import { checkSchema } from '../../src/grading/kinds/registry.js';

const hints = { nudge: 'n', concept: 'c', command: 'k' };
const deployment = (extra: Record<string, unknown> = {}) =>
  checkSchema.parse({
    id: 'no-open-proxy',
    title: 'no open kubectl proxy',
    kind: 'object-state',
    hints,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ops', name: 'jump-box' },
    expect: [{ path: 'spec.template.spec.containers[*].args', op: 'notContains', value: '--disable-filter' }],
    ...extra,
  });

describe('the single-object warning of the catalogue lint', () => {
  it('warns about a fix check that reads one named object, naming the check and the object', () => {
    expect(singleObjectWarnings([deployment()])).toEqual([
      'checks (no-open-proxy): this fix check judges one named object, Deployment ops/jump-box, but the same mistake can live elsewhere (a renamed copy, another workload, another field). Judge the goal over every object that could break it, or say in `why` why this one object is the goal',
    ]);
  });

  it('is silenced by why, and says nothing of guards or of checks over a selection', () => {
    const selection = deployment({ object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ops', selector: { matchLabels: { app: 'jump-box' } } } });
    expect(singleObjectWarnings([deployment({ why: 'the emulator reads exactly this object' }), deployment({ id: 'box-runs', role: 'guard' }), selection])).toEqual([]);
  });

  it('looks inside any-of, and at events about one named object', () => {
    const anyOf = checkSchema.parse({
      id: 'either',
      title: 'either',
      kind: 'any-of',
      hints,
      checks: [
        { id: 'settings', title: 'settings', kind: 'object-state', object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'lab', name: 'settings' }, expect: [] },
        { id: 'refused', title: 'refused', kind: 'event-state', namespace: 'shop', about: { kind: 'ReplicaSet', name: 'api-1' }, reason: 'FailedCreate' },
        { id: 'owned', title: 'owned', kind: 'event-state', namespace: 'shop', about: { kind: 'ReplicaSet', ownedBy: { kind: 'Deployment', name: 'api' } }, reason: 'FailedCreate' },
        { id: 'any-replica-set', title: 'any', kind: 'event-state', namespace: 'shop', about: { kind: 'ReplicaSet' }, reason: 'FailedCreate' },
      ],
    });
    expect(singleObjectWarnings([anyOf]).map((warning) => warning.split(':')[0])).toEqual(['checks (settings)', 'checks (refused)', 'checks (owned)']);
  });
});
