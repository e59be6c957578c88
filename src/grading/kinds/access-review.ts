import { z } from 'zod';
import { dnsLabel, subjectSchema, type SubjectSpec } from '../fields.js';
import { fail, pass } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind } from './kind.js';

/** Asks the API server's own authorizer (SubjectAccessReview) what a subject may do. */
export const accessReview = defineKind({
  fields: {
    subject: subjectSchema,
    resource: z
      .object({
        namespace: dnsLabel.optional(),
        verb: z.string().min(1),
        group: z.string().default(''),
        resource: z.string().min(1),
        subresource: z.string().optional(),
        name: z.string().optional(),
      })
      .strict(),
    expect: z.enum(['allowed', 'denied']),
  },

  async run(spec, { view }) {
    const { user, groups, label } = subjectIdentity(spec.subject);
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
    const what = `${verb} ${group ? `${resource}.${group}` : resource}${subresource ? `/${subresource}` : ''}${name ? ` ${name}` : ''}${namespace ? ` in ${namespace}` : ' cluster-wide'}`;
    const observed = review.allowed ? `allowed${review.reason ? ` (${review.reason})` : ''}` : 'denied';
    const evidence = { object: label, observed, expected: spec.expect };
    const holds = review.allowed === (spec.expect === 'allowed');
    return holds ? pass(`${label} may${review.allowed ? '' : ' not'} ${what}`, evidence) : fail(`${label} is ${observed} to ${what}; expected ${spec.expect}`, evidence);
  },

  watch: (spec) => watched.rbac.map((kind) => target(kind, spec.resource.namespace)),
});

/** A service account authenticates as system:serviceaccount:<ns>:<name> with its groups. */
export function subjectIdentity(subject: SubjectSpec): { user: string; groups: string[]; label: string } {
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
