import type { JsonObject } from '../json.js';
import type { SecurityContextView } from '../pod-view.js';
import type { FieldViolation } from '../types.js';

/** What a check says about a value it does not allow. */
export interface Complaint {
  message: string;
  fix: string;
}

export type SecurityContextRule = (contexts: readonly SecurityContextView[]) => FieldViolation[];

/**
 * A rule reporting each securityContext whose `field` (dotted, e.g.
 * `seccompProfile.type`) holds a value `isAllowed` rejects. A missing
 * securityContext reads as one with no fields; when an object on the way to a
 * nested field is missing, upstream sees nil and skips it, and so does this.
 */
export function securityContextRule(
  field: string,
  isAllowed: (value: unknown) => boolean,
  complain: (owner: string, value: unknown) => Complaint,
): SecurityContextRule {
  const parents = field.split('.');
  const leaf = parents.pop()!;
  return (contexts) => {
    const violations: FieldViolation[] = [];
    for (const context of contexts) {
      const parent = descend(context.fields ?? {}, parents);
      if (parent && !isAllowed(parent[leaf])) {
        violations.push({ path: `${context.path}.${field}`, ...complain(context.owner, parent[leaf]) });
      }
    }
    return violations;
  };
}

function descend(fields: JsonObject, segments: readonly string[]): JsonObject | undefined {
  let current: unknown = fields;
  for (const segment of segments) {
    current = (current as JsonObject)[segment];
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
  }
  return current as JsonObject;
}
