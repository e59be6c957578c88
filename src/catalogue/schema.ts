import { z } from 'zod';

/**
 * The format of scenarios/<id>/scenario.yaml. Check kinds are code (src/grading/);
 * checks are data here, so a new scenario is a folder an author can copy.
 */

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label (a-z, 0-9, -)')
  .max(63);

const checkIdPattern = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9, -)');

const reservedNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'k8s-sec-lab-system']);
const scenarioNamespace = dnsLabel.refine((name) => !reservedNamespaces.has(name), {
  message: 'is a namespace the lab never owns (reset deletes scenario namespaces)',
});

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
const podSelectionSchema = z
  .object({
    namespace: dnsLabel,
    selector: labelSelectorSchema.default({}),
    container: z.string().optional(),
  })
  .strict();

const objectRefSchema = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    namespace: dnsLabel.optional(),
    name: z.string().optional(),
    selector: labelSelectorSchema.optional(),
  })
  .strict()
  .refine((ref) => !(ref.name && ref.selector), { message: 'give either name or selector, not both' });

export const comparisonOps = ['equals', 'notEquals', 'exists', 'absent', 'in', 'notIn', 'gte', 'lte', 'contains', 'notContains', 'matches'] as const;

const expectationSchema = z
  .object({
    /** Dotted field path; `[*]` visits every element, `["a.b/c"]` quotes a key with dots. */
    path: z.string().min(1),
    op: z.enum(comparisonOps),
    value: z.unknown().optional(),
    /** Shown instead of the generated expectation, e.g. "every container drops ALL". */
    description: z.string().optional(),
  })
  .strict();

const hintsSchema = z
  .object({
    nudge: z.string().min(1),
    concept: z.string().min(1),
    command: z.string().min(1),
  })
  .strict();

const checkCommon = {
  id: checkIdPattern,
  title: z.string().min(1),
  /** Appended to a failure message: the point a learner must not miss ("deleting the app is not a fix"). */
  onFail: z.string().optional(),
};

const gradedCheck = {
  ...checkCommon,
  hints: hintsSchema,
  /**
   * `fix`: fails on the vulnerable start, passes once fixed (the attack replay).
   * `guard`: passes from the start and must keep passing (the legitimate path),
   * so deleting the workload is never a fix. The catalogue lint proves both.
   */
  role: z.enum(['fix', 'guard']).default('fix'),
};

const objectStateFields = {
  kind: z.literal('object-state'),
  object: objectRefSchema,
  /** Whether the object must exist; a regression guard says so when it was deleted. */
  mustExist: z.boolean().default(true),
  expect: z.array(expectationSchema).default([]),
};

const podSecurityFields = {
  kind: z.literal('pod-security'),
  pods: podSelectionSchema,
  level: z.enum(['baseline', 'restricted']),
  version: z.string().regex(/^(latest|v1\.\d+)$/).default('latest'),
  /** Fewer matching pods is a failure: deleting the workload is not a fix. */
  minPods: z.number().int().min(0).default(1),
};

const admissionDeniedFields = {
  kind: z.literal('admission-denied'),
  /** A manifest in the scenario folder whose creation must be refused (sent as a server-side dry run). */
  manifest: z.string().min(1),
  namespace: dnsLabel,
  /** Text the refusal must contain, e.g. "PodSecurity": a refusal for another reason (RBAC, a typo) proves nothing. */
  reasonContains: z.string().min(1),
};

const subjectSchema = z.union([
  z.object({ user: z.string().min(1), groups: z.array(z.string()).optional() }).strict(),
  z.object({ serviceAccount: z.object({ namespace: dnsLabel, name: dnsLabel }).strict() }).strict(),
]);

const accessReviewFields = {
  kind: z.literal('access-review'),
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
};

const endpointSchema = z.union([
  z.object({ pods: podSelectionSchema }).strict(),
  z.object({ ip: z.string().min(1) }).strict(),
  z
    .object({
      /** A pod that need not exist, e.g. CoreDNS for "DNS still works". */
      hypotheticalPod: z
        .object({
          namespace: dnsLabel,
          name: z.string().default('hypothetical'),
          labels: z.record(z.string(), z.string()).default({}),
          ports: z
            .array(z.object({ name: z.string().optional(), port: z.number().int(), protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP') }).strict())
            .default([]),
        })
        .strict(),
    })
    .strict(),
]);

const networkReachFields = {
  kind: z.literal('network-reach'),
  from: endpointSchema,
  to: endpointSchema,
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
  expect: z.enum(['allowed', 'denied']),
};

const runtimeRequirement = z.enum(['network-policy-enforcement']);

const runtimeProbeFields = {
  kind: z.literal('runtime-probe'),
  from: podSelectionSchema,
  command: z.array(z.string()).min(1),
  expect: z
    .object({
      exitCode: z.enum(['zero', 'nonzero']).optional(),
      stdoutContains: z.string().optional(),
      stdoutExcludes: z.string().optional(),
    })
    .strict(),
  requires: z.array(runtimeRequirement).default([]),
  timeoutSeconds: z.number().int().min(1).max(120).default(15),
};

const localProbeFields = {
  kind: z.literal('local-probe'),
  /** Only loopback URLs: the lab never reaches beyond the learner's machine. */
  url: z.url().refine((url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname), {
    message: 'must point at 127.0.0.1, localhost or [::1]',
  }),
  expect: z
    .object({
      status: z.number().int().optional(),
      bodyContains: z.string().optional(),
      /** The body must contain the per-run token `start` stored in the scenario's run Secret. */
      bodyContainsRunToken: z.boolean().default(false),
    })
    .strict(),
};

/** A check inside any-of: graded but without hints of its own. */
const subCheckSchema = z.discriminatedUnion('kind', [
  z.object({ ...checkCommon, ...objectStateFields }).strict(),
  z.object({ ...checkCommon, ...podSecurityFields }).strict(),
  z.object({ ...checkCommon, ...admissionDeniedFields }).strict(),
  z.object({ ...checkCommon, ...accessReviewFields }).strict(),
  z.object({ ...checkCommon, ...networkReachFields }).strict(),
  z.object({ ...checkCommon, ...runtimeProbeFields }).strict(),
  z.object({ ...checkCommon, ...localProbeFields }).strict(),
]);

export const checkSchema = z.discriminatedUnion('kind', [
  z.object({ ...gradedCheck, ...objectStateFields }).strict(),
  z.object({ ...gradedCheck, ...podSecurityFields }).strict(),
  z.object({ ...gradedCheck, ...admissionDeniedFields }).strict(),
  z.object({ ...gradedCheck, ...accessReviewFields }).strict(),
  z.object({ ...gradedCheck, ...networkReachFields }).strict(),
  z.object({ ...gradedCheck, ...runtimeProbeFields }).strict(),
  z.object({ ...gradedCheck, ...localProbeFields }).strict(),
  z
    .object({
      ...gradedCheck,
      kind: z.literal('any-of'),
      /** Passes when one of these passes: for lessons with more than one valid fix. */
      checks: z.array(subCheckSchema).min(2),
    })
    .strict(),
]);

export const scenarioSchema = z
  .object({
    formatVersion: z.literal(1),
    id: dnsLabel,
    title: z.string().min(1),
    summary: z.string().min(1),
    difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
    minutes: z.number().int().positive(),
    tags: z.array(z.string()).default([]),
    namespaces: z.array(scenarioNamespace).min(1),
    /** Lab add-ons the scenario needs installed (by `start`). */
    addons: z.array(z.enum(['imds'])).default([]),
    objectives: z.array(z.string().min(1)).min(1),
    setup: z.object({ manifests: z.string().min(1) }).strict(),
    solution: z
      .object({
        manifests: z.string().min(1),
        /** Objects the reference solution removes (server-side apply cannot delete). */
        delete: z
          .array(z.object({ apiVersion: z.string(), kind: z.string(), namespace: dnsLabel.optional(), name: z.string() }).strict())
          .default([]),
      })
      .strict(),
    checks: z.array(checkSchema).min(1),
    references: z
      .object({
        /** Keys of the industry check-ID table (src/engines/check-ids.ts). */
        checkIds: z.array(z.string()).default([]),
        links: z.array(z.object({ title: z.string(), url: z.url() }).strict()).default([]),
      })
      .strict()
      .default({ checkIds: [], links: [] }),
  })
  .strict();

export const tracksSchema = z
  .object({
    formatVersion: z.literal(1),
    tracks: z
      .array(
        z
          .object({
            id: dnsLabel,
            title: z.string().min(1),
            description: z.string().optional(),
            scenarios: z.array(dnsLabel).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type ScenarioSpec = z.infer<typeof scenarioSchema>;
export type CheckSpec = z.infer<typeof checkSchema>;
export type SubCheckSpec = z.infer<typeof subCheckSchema>;
export type AnyCheckSpec = CheckSpec | SubCheckSpec;
export type Hints = z.infer<typeof hintsSchema>;
export type LabelSelectorSpec = z.infer<typeof labelSelectorSchema>;
export type PodSelectionSpec = z.infer<typeof podSelectionSchema>;
export type EndpointSpec = z.infer<typeof endpointSchema>;
export type ExpectationSpec = z.infer<typeof expectationSchema>;
export type TracksSpec = z.infer<typeof tracksSchema>;
