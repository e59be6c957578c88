import { z } from 'zod';
import { resourceType } from '../kube/resources.js';
import { parsePath } from './field-path-syntax.js';

/**
 * The zod building blocks that check kinds compose their fields from. Each
 * one validates at load time what would otherwise throw at grading time
 * (a bad field path, a regex that does not compile, a kind the lab cannot
 * read), so an author sees file:line:path instead of a failed check.
 */

export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label (a-z, 0-9, -)')
  .max(63);

export const labelSelectorSchema = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(
        z
          .object({
            key: z.string(),
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** Pods picked by namespace and label selector; an empty selector picks every pod. */
export const podSelectionSchema = z
  .object({
    namespace: dnsLabel,
    selector: labelSelectorSchema.default({}),
    container: z.string().optional(),
  })
  .strict();

/** An object or a set of objects of one kind the lab knows (src/kube/resources.ts). */
export const objectRefSchema = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    namespace: dnsLabel.optional(),
    name: z.string().optional(),
    selector: labelSelectorSchema.optional(),
  })
  .strict()
  .superRefine((ref, ctx) => {
    if (ref.name && ref.selector) ctx.addIssue({ code: 'custom', message: 'give either name or selector, not both' });
    const type = resourceType(ref.apiVersion, ref.kind);
    if (!type) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `the lab cannot read ${ref.apiVersion} ${ref.kind}: add it to src/kube/resources.ts or use a kind listed there` });
    } else if (type.namespaced && !ref.namespace) {
      ctx.addIssue({ code: 'custom', path: ['namespace'], message: `${ref.kind} is namespaced: name the namespace` });
    }
  });

/** A dotted field path; `[*]` visits every element, `["a.b/c"]` quotes a key with dots. */
const fieldPath = z
  .string()
  .min(1)
  .superRefine((path, ctx) => {
    try {
      parsePath(path);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const regex = z.string().superRefine((pattern, ctx) => {
  try {
    new RegExp(pattern);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(error as Error).message}` });
  }
});

const jsonValue = z.json();
/** Shown instead of the generated expectation, e.g. "every container drops ALL". */
const description = z.string().optional();

/** One expectation on a field: each operator takes exactly the value it needs, so `equals` without a value is an error. */
export const expectationSchema = z.discriminatedUnion('op', [
  z.object({ path: fieldPath, op: z.enum(['equals', 'notEquals', 'contains', 'notContains']), value: jsonValue, description }).strict(),
  z.object({ path: fieldPath, op: z.enum(['exists', 'absent']), description }).strict(),
  z.object({ path: fieldPath, op: z.enum(['in', 'notIn']), value: z.array(jsonValue).min(1), description }).strict(),
  z.object({ path: fieldPath, op: z.enum(['gte', 'lte']), value: z.number(), description }).strict(),
  z.object({ path: fieldPath, op: z.literal('matches'), value: regex, description }).strict(),
]);

export const comparisonOps = ['equals', 'notEquals', 'exists', 'absent', 'in', 'notIn', 'gte', 'lte', 'contains', 'notContains', 'matches'] as const;

export const protocolSchema = z.enum(['TCP', 'UDP', 'SCTP']);

export const subjectSchema = z.union([
  z.object({ user: z.string().min(1), groups: z.array(z.string()).optional() }).strict(),
  z.object({ serviceAccount: z.object({ namespace: dnsLabel, name: dnsLabel }).strict() }).strict(),
]);

/** A pod that need not exist: its namespace, labels and container ports, as NetworkPolicy sees them. */
export const hypotheticalPodSchema = z
  .object({
    namespace: dnsLabel,
    name: z.string().default('hypothetical'),
    labels: z.record(z.string(), z.string()).default({}),
    ports: z.array(z.object({ name: z.string().optional(), port: z.number().int(), protocol: protocolSchema.default('TCP') }).strict()).default([]),
  })
  .strict();

export const endpointSchema = z.union([
  z.object({ pods: podSelectionSchema }).strict(),
  z.object({ ip: z.string().min(1) }).strict(),
  z
    .object({
      /** A pod that need not exist, e.g. CoreDNS for "DNS still works". */
      hypotheticalPod: hypotheticalPodSchema,
    })
    .strict(),
]);

export type LabelSelectorSpec = z.infer<typeof labelSelectorSchema>;
export type PodSelectionSpec = z.infer<typeof podSelectionSchema>;
export type ObjectRefSpec = z.infer<typeof objectRefSchema>;
export type ExpectationSpec = z.infer<typeof expectationSchema>;
export type SubjectSpec = z.infer<typeof subjectSchema>;
export type EndpointSpec = z.infer<typeof endpointSchema>;

/** The namespace an endpoint lives in; undefined for an address outside the cluster. */
export function endpointNamespace(side: EndpointSpec): string | undefined {
  if ('pods' in side) return side.pods.namespace;
  if ('hypotheticalPod' in side) return side.hypotheticalPod.namespace;
  return undefined;
}
