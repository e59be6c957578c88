import { z } from 'zod';
import { resourceType } from '../../kube/resources.js';
import { objectRef, type KubeObject } from '../../model/k8s.js';
import { checkExpectation } from '../field-paths.js';
import { expectationSchema, objectRefSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector, matching } from '../select.js';
import { error, fail, pass } from '../types.js';
import { target } from '../watch.js';
import { defineKind } from './kind.js';

/** Live objects must exist (or be gone) and every expectation must hold on each of them. */
export const objectState = defineKind({
  fields: {
    object: objectRefSchema,
    /** Whether the object must exist; a regression guard says so when it was deleted. */
    mustExist: z.boolean().default(true),
    expect: z.array(expectationSchema).default([]),
  },

  async run(spec, { view, scenario }) {
    const ref = spec.object;
    const type = resourceType(ref.apiVersion, ref.kind);
    if (!type) return error(`the lab cannot read ${ref.apiVersion} ${ref.kind}`);
    if (type.namespaced && ref.namespace) {
      const missing = await missingNamespace(view, scenario, ref.namespace);
      if (missing) return missing;
    }

    const all = await view.list(ref, type.namespaced ? ref.namespace : undefined);
    const objects = ref.name ? all.filter((object) => object.metadata?.name === ref.name) : matching(all, ref.selector);
    const what = ref.name
      ? `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`
      : `${ref.kind} objects matching ${describeSelector(ref.selector)}${ref.namespace ? ` in ${ref.namespace}` : ''}`;
    if (objects.length === 0) {
      if (!spec.mustExist) return pass(`${what}: none exist`);
      return fail(`${what} does not exist`, { object: what, observed: 'missing', expected: 'exists' });
    }

    for (const object of objects) {
      for (const expectation of spec.expect) {
        const outcome = checkExpectation(object, expectation);
        if (!outcome.ok) {
          const name = `${ref.kind} ${objectRef(object as KubeObject)}`;
          return fail(`${name}: ${outcome.path} is ${outcome.observed}, expected ${outcome.expected}`, {
            object: name,
            path: outcome.path,
            observed: outcome.observed,
            expected: outcome.expected,
          });
        }
      }
    }
    return pass(objects.length === 1 ? `${what} is as expected` : `all ${objects.length} ${what} are as expected`);
  },

  watch: (spec) => [target(spec.object, spec.object.namespace)],
});
