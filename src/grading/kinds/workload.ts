import { z } from 'zod';
import { containersOf, findInvocations, type ContainerEntry, type PodSpecSource } from '../../engines/workloads/index.js';
import { programNames, programs, type ProgramName } from '../../engines/workloads/programs/index.js';
import { parsePath } from '../field-path-syntax.js';
import { checkExpectation } from '../field-paths.js';
import { dnsLabel, expectationSchema, labelSelectorSchema, type ExpectationSpec } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector } from '../select.js';
import { fail, pass, type Verdict } from '../types.js';
import { podSpecsIn, podRunningTargets } from '../workloads.js';
import { defineKind } from './kind.js';

const fields = {
  /** Every pod and pod template in these namespaces is judged. */
  namespaces: z.array(dnsLabel).min(1),
  /** Only pods (and templates) with these labels; by default all of them. */
  selector: labelSelectorSchema.default({}),
  /** Whether at least one pod or template must match (an app's own property); a "nothing runs X" goal holds on an empty namespace. */
  mustExist: z.boolean().default(false),
  /** On every container's normalised view: its own fields, `type`, `argv`, the effective `securityContext`, and `pod`. */
  expect: z.array(expectationSchema).default([]),
  /** On every place a container starts `program`: what the program makes of its arguments (for `kubectl proxy`: listen, address, port, filterDisabled, hostFilterWidened, flags). */
  argv: z
    .object({
      program: z.enum(programNames),
      expect: z.array(expectationSchema).min(1),
    })
    .strict()
    .optional(),
};

/**
 * A property of every container in a namespace: every live pod and every pod
 * template a controller can still create pods from (Deployments, DaemonSets,
 * StatefulSets, ReplicaSets, Jobs, CronJobs, ReplicationControllers), with
 * init containers, native sidecars and ephemeral containers, judged on what
 * the container really runs: command and args joined, `$(VAR)` expanded,
 * read by the program's own flag rules, through `sh -c` if need be.
 */
export const workload = defineKind({
  fields,
  refine(spec, ctx) {
    if (spec.expect.length === 0 && !spec.argv) ctx.addIssue({ code: 'custom', message: 'expects nothing: give expect, argv, or both' });
    if (!spec.argv) return;
    const facts = programs[spec.argv.program].facts;
    spec.argv.expect.forEach((expectation, index) => {
      const first = parsePath(expectation.path)[0];
      if (!first || !('key' in first) || !facts.includes(first.key)) {
        ctx.addIssue({ code: 'custom', path: ['argv', 'expect', index, 'path'], message: `${spec.argv!.program} reports ${facts.join(', ')}; "${expectation.path}" is none of them` });
      }
    });
  },

  async run(spec, { view, scenario }) {
    for (const namespace of spec.namespaces) {
      const missing = await missingNamespace(view, scenario, namespace);
      if (missing) return missing;
    }
    const sources = (await Promise.all(spec.namespaces.map((namespace) => podSpecsIn(view, namespace, spec.selector)))).flat();
    const where = `${describeSelector(spec.selector) === '(all pods)' ? 'pods and pod templates' : `pods and pod templates labelled ${describeSelector(spec.selector)}`} in ${spec.namespaces.join(' and ')}`;
    if (sources.length === 0) {
      if (!spec.mustExist) return pass(`there are no ${where}`);
      return fail(`there are no ${where}`, { object: where, observed: 'none', expected: 'at least one' });
    }
    let containers = 0;
    let invocations = 0;
    for (const source of sources) {
      for (const container of containersOf(source.metadata, source.spec, source.paths)) {
        containers++;
        const gap = expectationGap(source, container, spec.expect);
        if (gap) return gap;
        if (spec.argv) {
          const judged = judgeProgram(source, container, spec.argv.program, spec.argv.expect);
          if ('status' in judged) return judged;
          invocations += judged.runs;
        }
      }
    }
    const runs = spec.argv ? `; ${invocations} of them run ${spec.argv.program}, as expected` : '';
    return pass(`all ${containers} containers of the ${sources.length} ${where} are as expected${runs}`);
  },

  watch: (spec) => spec.namespaces.flatMap(podRunningTargets),
});

function expectationGap(source: PodSpecSource, container: ContainerEntry, expectations: readonly ExpectationSpec[]): Verdict | undefined {
  for (const expectation of expectations) {
    const outcome = checkExpectation(container.view, expectation);
    if (!outcome.ok) {
      const object = `${source.label}, ${container.label}`;
      return fail(`${object}: ${outcome.path} is ${outcome.observed}, expected ${outcome.expected}`, {
        object,
        path: `${container.path} (${outcome.path})`,
        observed: outcome.observed,
        expected: outcome.expected,
      });
    }
  }
  return undefined;
}

/** Every start of the program in the container must meet the expectations; a start the lab cannot read fails. */
function judgeProgram(source: PodSpecSource, container: ContainerEntry, name: ProgramName, expectations: readonly ExpectationSpec[]): Verdict | { runs: number } {
  const program = programs[name];
  const object = `${source.label}, ${container.label}`;
  const search = findInvocations(container.argv, container.image, container.env, program.matcher);
  const expected = expectations.map((expectation) => expectation.description ?? `${expectation.path} ${expectation.op}`).join('; ');
  if (search.unclear[0]) {
    return fail(`${object}: ${search.unclear[0]}, so the lab cannot tell whether it runs ${name} safely`, { object, path: container.path, observed: search.unclear[0], expected });
  }
  let runs = 0;
  for (const invocation of search.invocations) {
    const outcome = program.read(invocation.args);
    const how = `${invocation.via ? `${invocation.via} ` : ''}\`${invocation.line}\``;
    if (outcome.status === 'other') continue;
    if (outcome.status === 'unclear') {
      return fail(`${object} runs ${how}: ${outcome.problem}, so the lab cannot tell how ${name} runs`, { object, path: container.path, observed: outcome.problem, expected });
    }
    runs++;
    const gaps = expectations.map((expectation) => checkExpectation(outcome.facts, expectation)).filter((result) => !result.ok);
    if (gaps.length > 0) {
      const said = gaps.map((gap) => `${gap.path} is ${gap.observed}, expected ${gap.expected}`).join('; ');
      return fail(`${object} runs ${how}: ${said}`, { object, path: container.path, observed: invocation.line, expected });
    }
  }
  return { runs };
}
