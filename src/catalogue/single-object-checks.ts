import type { AnyCheckSpec, CheckSpec } from '../grading/kinds/registry.js';

/**
 * Catalogue lint warnings (not errors) for fix checks that judge one named
 * object: "no open proxy" read from the Deployment named jump-box misses the
 * renamed Deployment, the other workloads and the same flags elsewhere. A
 * check that says `why` this one object is the goal is left alone.
 */
export function singleObjectWarnings(checks: readonly CheckSpec[]): string[] {
  return checks
    .filter((check) => check.role === 'fix')
    .flatMap((check) => (check.kind === 'any-of' ? [check, ...check.checks] : [check]))
    .flatMap((check) => {
      const target = namedTarget(check);
      if (!target || check.why) return [];
      return [
        `checks (${check.id}): this fix check judges one named object, ${target}, but the same mistake can live elsewhere (a renamed copy, another workload, another field). Judge the goal over every object that could break it, or say in \`why\` why this one object is the goal`,
      ];
    });
}

/** The one object a check reads by name, if it reads one. */
function namedTarget(check: AnyCheckSpec): string | undefined {
  switch (check.kind) {
    case 'object-state':
      return check.object.name ? `${check.object.kind} ${check.object.namespace ? `${check.object.namespace}/` : ''}${check.object.name}` : undefined;
    case 'event-state': {
      const { kind, name, ownedBy } = check.about;
      if (name) return `${kind} ${check.namespace}/${name}`;
      return ownedBy ? `the ${kind} of ${ownedBy.kind} ${check.namespace}/${ownedBy.name}` : undefined;
    }
    default:
      return undefined;
  }
}
