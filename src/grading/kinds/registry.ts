import { z } from 'zod';
import { messageOf } from '../../errors.js';
import type { GradingContext } from '../context.js';
import { error, type Verdict } from '../types.js';
import { distinctTargets, type WatchTarget } from '../watch.js';
import { accessReview } from './access-review.js';
import { admissionAllowed } from './admission-allowed.js';
import { admissionDenied } from './admission-denied.js';
import { anyOfKind } from './any-of.js';
import { apiRequest } from './api-request.js';
import { credentialScan } from './credential-scan.js';
import { eventState } from './event-state.js';
import { imdsSettings } from './imds-settings.js';
import type { AnyKindModule, KindModule } from './kind.js';
import { localProbe } from './local-probe.js';
import { networkAllowlist } from './network-allowlist.js';
import { networkReach } from './network-reach.js';
import { objectState } from './object-state.js';
import { podIdentityAssociation } from './pod-identity-association.js';
import { podIdentityClient } from './pod-identity-client.js';
import { podSecurity } from './pod-security.js';
import { rbac } from './rbac.js';
import { runtimeProbe } from './runtime-probe.js';
import { workload } from './workload.js';
import { workloadRunning } from './workload-running.js';

/**
 * The check kinds the engine knows: a new kind is one module in this folder
 * and one line here. Everything else (the scenario schema, the runner, the
 * TUI's watch list) is derived from this table.
 */
const leafKinds = {
  'object-state': objectState,
  'pod-security': podSecurity,
  'admission-denied': admissionDenied,
  'admission-allowed': admissionAllowed,
  'access-review': accessReview,
  'api-request': apiRequest,
  'network-reach': networkReach,
  'network-allowlist': networkAllowlist,
  'runtime-probe': runtimeProbe,
  'local-probe': localProbe,
  'event-state': eventState,
  rbac,
  'imds-settings': imdsSettings,
  workload,
  'workload-running': workloadRunning,
  'credential-scan': credentialScan,
  'pod-identity-association': podIdentityAssociation,
  'pod-identity-client': podIdentityClient,
} satisfies Record<string, AnyKindModule>;

type LeafKind = keyof typeof leafKinds;

const checkIdPattern = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9, -)');

/** What every check has, whatever its kind. */
const identityFields = {
  id: checkIdPattern,
  title: z.string().min(1),
  /** Appended to a failure message: the point a learner must not miss ("deleting the app is not a fix"). */
  onFail: z.string().optional(),
  /**
   * Why judging one named object is the goal itself (e.g. "the emulator reads
   * exactly this ConfigMap"); silences the catalogue lint's single-object warning.
   */
  why: z.string().min(1).optional(),
};

export const hintsSchema = z
  .object({
    nudge: z.string().min(1),
    concept: z.string().min(1),
    command: z.string().min(1),
  })
  .strict();

/** What a top-level check has besides its identity: a hint ladder and a role. */
const gradedFields = {
  hints: hintsSchema,
  /**
   * `fix`: fails on the vulnerable start, passes once fixed (the attack replay).
   * `guard`: passes from the start and must keep passing (the legitimate path),
   * so deleting the workload is never a fix. The catalogue lint proves both.
   */
  role: z.enum(['fix', 'guard']).default('fix'),
};

function variant<K extends string, Shape extends z.ZodRawShape, Extra extends z.ZodRawShape>(kind: K, module: KindModule<Shape>, extra: Extra) {
  return z
    .object({ ...identityFields, ...extra, kind: z.literal(kind), ...module.fields })
    .strict()
    .superRefine((spec, ctx) => module.refine?.(spec as z.output<z.ZodObject<Shape>>, ctx));
}

type Variant<Kinds extends Record<string, AnyKindModule>, K extends keyof Kinds & string, Extra extends z.ZodRawShape> = ReturnType<
  typeof variant<K, Kinds[K]['fields'], Extra>
>;

function unionOf<Extra extends z.ZodRawShape, Kinds extends Record<string, AnyKindModule>>(kinds: Kinds, extra: Extra) {
  const variants = Object.entries(kinds).map(([kind, module]) => variant(kind, module, extra));
  return z.discriminatedUnion('kind', variants as [(typeof variants)[number], ...(typeof variants)[number][]]);
}

/** A check inside any-of: graded, but without hints or a role of its own. */
export type SubCheckSpec = { [K in LeafKind]: z.output<Variant<typeof leafKinds, K, typeof identityFields>> }[LeafKind];
const subCheckSchema = unionOf(leafKinds, {}) as unknown as z.ZodType<SubCheckSpec>;

const allKinds = {
  ...leafKinds,
  'any-of': anyOfKind({
    schema: subCheckSchema,
    run: (spec: SubCheckSpec, ctx: GradingContext): Promise<Verdict> => judge(leafKinds[spec.kind], spec, ctx),
    watch: (spec: SubCheckSpec): WatchTarget[] => (leafKinds[spec.kind] as AnyKindModule).watch(spec),
  }),
};

export type CheckKind = keyof typeof allKinds;
export type CheckSpec = { [K in CheckKind]: z.output<Variant<typeof allKinds, K, typeof gradedFields>> }[CheckKind];
export type AnyCheckSpec = CheckSpec | SubCheckSpec;
export type Hints = z.infer<typeof hintsSchema>;

/** The schema of one entry of a scenario's `checks`. */
export const checkSchema = unionOf(allKinds, gradedFields) as unknown as z.ZodType<CheckSpec>;

/** Runs one check. Fail closed: anything thrown (API down, 403, timeout, odd data) is `error`, never `pass`. */
export function runCheck(spec: CheckSpec, ctx: GradingContext): Promise<Verdict> {
  return judge(allKinds[spec.kind], spec, ctx);
}

async function judge(kind: AnyKindModule, spec: AnyCheckSpec, ctx: GradingContext): Promise<Verdict> {
  let verdict: Verdict;
  try {
    verdict = await kind.run(spec, ctx);
  } catch (thrown) {
    return error(messageOf(thrown));
  }
  // The author's one sentence the learner must not miss, e.g. "deleting the app is not a fix".
  if (verdict.status !== 'fail' || !spec.onFail) return verdict;
  return { ...verdict, message: `${verdict.message.replace(/\.?$/, '.')} ${spec.onFail}` };
}

/** What to watch so that every change a check could see re-runs the checks: one watch per (kind, namespace). */
export function watchTargets(checks: readonly CheckSpec[]): WatchTarget[] {
  return distinctTargets(checks.flatMap((spec) => (allKinds[spec.kind] as AnyKindModule).watch(spec)));
}
