import type { z } from 'zod';
import type { GradingContext } from '../context.js';
import type { Verdict } from '../types.js';
import type { WatchTarget } from '../watch.js';

/** What every check carries besides its kind's own fields (what `run` may quote in messages). */
export interface CheckIdentity {
  id: string;
  title: string;
}

/** A kind's spec as `run` and `watch` receive it: its own fields, parsed, with the check's identity. */
export type KindSpec<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>> & CheckIdentity;

/**
 * One check kind, whole: the fields a scenario writes for it, the load-time
 * checks zod cannot express, how it grades, and what it reads (so the TUI
 * re-grades when that changes). The registry (registry.ts) turns the set of
 * kinds into the scenario schema, the runner and the watch list; a kind that
 * lacks a part does not compile.
 */
export interface KindModule<Shape extends z.ZodRawShape> {
  fields: Shape;
  /** Problems found at load time, reported with file:line:path; paths are relative to the check. */
  refine?(spec: z.output<z.ZodObject<Shape>>, ctx: z.RefinementCtx): void;
  run(spec: KindSpec<Shape>, ctx: GradingContext): Promise<Verdict>;
  /** The collections whose changes can change this check's verdict. */
  watch(spec: KindSpec<Shape>): WatchTarget[];
}

/** Any kind, whatever its fields: the registry's table holds kinds of different shapes, each entry keeping its own type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKindModule = KindModule<any>;

/** Declares a kind with its types inferred from its fields. */
export function defineKind<Shape extends z.ZodRawShape>(kind: KindModule<Shape>): KindModule<Shape> {
  return kind;
}
