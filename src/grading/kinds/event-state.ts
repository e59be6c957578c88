import { z } from 'zod';
import type { KubeObject } from '../../model/k8s.js';
import { kinds, type ClusterView } from '../cluster-view.js';
import { dnsLabel } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { fail, pass } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind } from './kind.js';

interface CoreEvent extends KubeObject {
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
}

const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;

/**
 * An event about an object must exist (or must not): e.g. the FailedCreate
 * that a ReplicaSet records when admission refuses its pods, which is the
 * only trace of a Deployment that Pod Security or a quota stopped.
 */
export const eventState = defineKind({
  fields: {
    namespace: dnsLabel,
    /** The object the event is about: by name, or (for a ReplicaSet) by the Deployment that owns it. */
    about: z
      .object({
        kind: z.string().min(1),
        name: z.string().min(1).optional(),
        ownedBy: z.object({ kind: z.string().min(1), name: z.string().min(1) }).strict().optional(),
      })
      .strict()
      .refine((about) => !(about.name && about.ownedBy), { message: 'give either name or ownedBy, not both' }),
    reason: z.string().min(1),
    messageContains: z.string().optional(),
    expect: z.enum(['present', 'absent']).default('present'),
  },

  async run(spec, { view, scenario }) {
    const missing = await missingNamespace(view, scenario, spec.namespace);
    if (missing) return missing;
    const { about } = spec;
    const names = about.ownedBy ? await ownedNames(view, spec.namespace, about.kind, about.ownedBy) : undefined;
    const events = (await view.list<CoreEvent>(kinds.event, spec.namespace)).filter(
      (event) =>
        event.reason === spec.reason &&
        event.involvedObject?.kind === about.kind &&
        (about.name === undefined || event.involvedObject.name === about.name) &&
        (names === undefined || names.has(event.involvedObject?.name ?? '')) &&
        (spec.messageContains === undefined || (event.message ?? '').includes(spec.messageContains)),
    );
    const subject = about.name ? `${about.kind} ${spec.namespace}/${about.name}` : about.ownedBy ? `the ${about.kind} of ${about.ownedBy.kind} ${spec.namespace}/${about.ownedBy.name}` : `a ${about.kind} in ${spec.namespace}`;
    const what = `a ${spec.reason} event${spec.messageContains ? ` saying "${spec.messageContains}"` : ''} about ${subject}`;
    const evidence = { object: subject, observed: events[0]?.message ?? 'no such event', expected: `${spec.expect === 'present' ? '' : 'no '}${spec.reason} event` };
    if ((events.length > 0) === (spec.expect === 'present')) {
      return pass(events[0] ? `found ${what}: ${events[0].message ?? ''}` : `there is no ${what.slice(2)}`, evidence);
    }
    return events[0] ? fail(`found ${what}: ${events[0].message ?? ''}`, evidence) : fail(`there is no ${what.slice(2)}`, evidence);
  },

  watch: (spec) => [target(watched.event, spec.namespace), target(replicaSet, spec.namespace)],
});

/** Names of the objects of `kind` in the namespace that `owner` owns (a Deployment's ReplicaSets). */
async function ownedNames(view: ClusterView, namespace: string, kind: string, owner: { kind: string; name: string }): Promise<Set<string>> {
  const ref = kind === 'ReplicaSet' ? replicaSet : undefined;
  if (!ref) return new Set();
  const owned = await view.list(ref, namespace);
  return new Set(
    owned
      .filter((object) => (object.metadata as { ownerReferences?: { kind?: string; name?: string }[] } | undefined)?.ownerReferences?.some((reference) => reference.kind === owner.kind && reference.name === owner.name))
      .map((object) => object.metadata?.name ?? ''),
  );
}
