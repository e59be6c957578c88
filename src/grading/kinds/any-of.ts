import { z } from 'zod';
import type { GradingContext } from '../context.js';
import { error, fail, pass, type Verdict } from '../types.js';
import type { WatchTarget } from '../watch.js';
import { defineKind } from './kind.js';

/** What any-of needs of the registry: its sub-check schema, and how to run and watch one sub-check. */
export interface SubChecks<Sub extends z.ZodType> {
  schema: Sub;
  run: (spec: z.output<Sub>, ctx: GradingContext) => Promise<Verdict>;
  watch: (spec: z.output<Sub>) => WatchTarget[];
}

/**
 * Passes when one alternative passes (a lesson with more than one valid fix).
 * When none passes but one could not be judged, the result is `error`: an
 * alternative that errored might have passed, so failing would be a guess.
 * Built from the registry's other kinds, which it is given rather than
 * imports, so that the registry stays the only place that lists kinds.
 */
export function anyOfKind<Sub extends z.ZodType<{ title: string }>>(sub: SubChecks<Sub>) {
  return defineKind({
    fields: { checks: z.array(sub.schema).min(2) },

    async run(spec, ctx) {
      const alternatives = spec.checks as z.output<Sub>[];
      const verdicts = await Promise.all(alternatives.map((alternative) => sub.run(alternative, ctx)));
      const lines = alternatives.map((alternative, index) => `${alternative.title}: ${verdicts[index]?.message ?? ''}`);
      const passed = verdicts.findIndex((verdict) => verdict.status === 'pass');
      if (passed >= 0) return pass(`${alternatives[passed]?.title}: ${verdicts[passed]?.message}`, verdicts[passed]?.evidence);
      if (verdicts.some((verdict) => verdict.status === 'error')) return error(`no alternative passed and at least one could not be judged: ${lines.join(' | ')}`);
      if (verdicts.every((verdict) => verdict.status === 'skipped')) return verdicts[0] ?? error('no alternatives');
      return fail(`none of the accepted fixes is in place: ${lines.join(' | ')}`, verdicts.find((verdict) => verdict.status === 'fail')?.evidence);
    },

    watch: (spec) => (spec.checks as z.output<Sub>[]).flatMap((alternative) => sub.watch(alternative)),
  });
}
