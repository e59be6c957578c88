import type { AnyCheckSpec } from '../../catalogue/schema.js';
import type { GradingContext } from '../context.js';
import { fail, pass, type Verdict } from '../types.js';

type AccessReviewSpec = Extract<AnyCheckSpec, { kind: 'access-review' }>;

/** Asks the API server's own authorizer (SubjectAccessReview) what a subject may do. */
export async function accessReview(spec: AccessReviewSpec, { view }: GradingContext): Promise<Verdict> {
  const { user, groups, label } = subjectOf(spec.subject);
  const { namespace, verb, group, resource, subresource, name } = spec.resource;
  const review = await view.client.accessReview({
    user,
    groups,
    resourceAttributes: {
      verb,
      group,
      resource,
      ...(namespace ? { namespace } : {}),
      ...(subresource ? { subresource } : {}),
      ...(name ? { name } : {}),
    },
  });
  const target = `${verb} ${group ? `${resource}.${group}` : resource}${subresource ? `/${subresource}` : ''}${name ? ` ${name}` : ''}${namespace ? ` in ${namespace}` : ' cluster-wide'}`;
  const observed = review.allowed ? `allowed${review.reason ? ` (${review.reason})` : ''}` : 'denied';
  const evidence = { object: label, observed, expected: spec.expect };
  const holds = review.allowed === (spec.expect === 'allowed');
  return holds ? pass(`${label} may${review.allowed ? '' : ' not'} ${target}`, evidence) : fail(`${label} is ${observed} to ${target}; expected ${spec.expect}`, evidence);
}

/** A service account authenticates as system:serviceaccount:<ns>:<name> with its groups. */
function subjectOf(subject: AccessReviewSpec['subject']): { user: string; groups: string[]; label: string } {
  if ('serviceAccount' in subject) {
    const { namespace, name } = subject.serviceAccount;
    return {
      user: `system:serviceaccount:${namespace}:${name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      label: `ServiceAccount ${namespace}/${name}`,
    };
  }
  return { user: subject.user, groups: subject.groups ?? ['system:authenticated'], label: `user ${subject.user}` };
}
