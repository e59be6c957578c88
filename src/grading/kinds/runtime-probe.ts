import { z } from 'zod';
import { objectRef } from '../../model/k8s.js';
import type { GradingContext } from '../context.js';
import { podSelectionSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector, selectPods } from '../select.js';
import type { ExecResult } from '../../kube/client.js';
import { error, fail, pass, skipped, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  from: podSelectionSchema,
  command: z.array(z.string()).min(1),
  expect: z
    .object({
      exitCode: z.enum(['zero', 'nonzero']).optional(),
      stdoutContains: z.string().optional(),
      stdoutExcludes: z.string().optional(),
      /** The exit code the command uses for "could not tell" (a precondition such as DNS failed): an error, never a verdict. */
      inconclusiveExitCode: z.number().int().min(1).max(255).optional(),
    })
    .strict(),
  requires: z.array(z.enum(['network-policy-enforcement'])).default([]),
  timeoutSeconds: z.number().int().min(1).max(120).default(15),
};
type RuntimeProbeSpec = KindSpec<typeof fields>;

/**
 * Runs a command inside a scenario pod (the attack replayed for real, or the
 * app's own path). Skipped only when the cluster cannot run it at all (no
 * container runtime, or NetworkPolicy enforcement not proven when required);
 * any other failure to run it is an error.
 */
export const runtimeProbe = defineKind({
  fields,
  refine(spec, ctx) {
    const { exitCode, stdoutContains, stdoutExcludes } = spec.expect;
    if (!exitCode && stdoutContains === undefined && stdoutExcludes === undefined) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'expects nothing: give exitCode, stdoutContains or stdoutExcludes' });
    }
  },
  run: probe,
  watch: (spec) => [target(watched.pod, spec.from.namespace)],
});

async function probe(spec: RuntimeProbeSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const missing = await missingNamespace(view, scenario, spec.from.namespace);
  if (missing) return missing;
  const runtime = await view.runtime();
  if (!runtime.available) return skipped(runtime.reason ?? 'the cluster has no container runtime');
  if (spec.requires.includes('network-policy-enforcement')) {
    const marker = await view.marker();
    if (marker?.networkPolicyEnforced !== 'true') {
      return skipped('NetworkPolicy enforcement was not proven on this cluster, so a connection probe could not tell a fix from a no-op (run `k8s-sec-lab doctor`)');
    }
  }

  const pods = (await selectPods(view, spec.from)).filter((pod) => pod.status?.phase === 'Running');
  const pod = pods[0];
  if (!pod) {
    return fail(`no running pod matches ${describeSelector(spec.from.selector)} in ${spec.from.namespace} (deleting the workload is not a fix)`);
  }
  const container = spec.from.container ?? pod.spec?.containers?.[0]?.name ?? '';
  const result = await view.client.exec(pod.metadata?.namespace ?? spec.from.namespace, pod.metadata?.name ?? '', container, spec.command, spec.timeoutSeconds * 1000);
  return judgeProbe(spec, result, `Pod ${objectRef(pod)} (container ${container})`);
}

/** Exit codes of a shell that could not run the command at all: not executable, not found. */
const couldNotRun: Record<number, string> = { 126: 'not executable', 127: 'command not found' };

/**
 * The verdict on one probe run. A command that could not run, or that says it
 * could not tell, is an error: it observed nothing, so it is never taken for
 * an attack that failed.
 */
export function judgeProbe(spec: Pick<RuntimeProbeSpec, 'command' | 'expect'>, result: Pick<ExecResult, 'exitCode' | 'stdout'>, object: string): Verdict {
  const observed = `exit ${result.exitCode}${result.stdout.trim() ? `, output: ${result.stdout.trim().slice(0, 200)}` : ''}`;
  const { exitCode, stdoutContains, stdoutExcludes, inconclusiveExitCode } = spec.expect;
  const evidence = { object, observed, expected: describeExpect(spec.expect) };
  const why = couldNotRun[result.exitCode];
  if (why) return error(`${spec.command.join(' ')} in ${object} could not run (${why}): ${observed}`, evidence);
  if (inconclusiveExitCode !== undefined && result.exitCode === inconclusiveExitCode) {
    return error(`${spec.command.join(' ')} in ${object} could not tell: ${observed}`, evidence);
  }
  const problems = [
    exitCode === 'zero' && result.exitCode !== 0 ? 'expected exit code 0' : undefined,
    exitCode === 'nonzero' && result.exitCode === 0 ? 'expected a non-zero exit code (the attack should fail)' : undefined,
    stdoutContains !== undefined && !result.stdout.includes(stdoutContains) ? `expected output containing "${stdoutContains}"` : undefined,
    stdoutExcludes !== undefined && result.stdout.includes(stdoutExcludes) ? `expected output without "${stdoutExcludes}"` : undefined,
  ].filter((problem): problem is string => problem !== undefined);
  return problems.length === 0
    ? pass(`${spec.command.join(' ')} in ${object}: ${observed}`, evidence)
    : fail(`${spec.command.join(' ')} in ${object}: ${observed}; ${problems.join('; ')}`, evidence);
}

function describeExpect(expect: RuntimeProbeSpec['expect']): string {
  return [
    expect.exitCode ? `exit code ${expect.exitCode === 'zero' ? '0' : 'non-zero'}` : undefined,
    expect.stdoutContains !== undefined ? `output contains "${expect.stdoutContains}"` : undefined,
    expect.stdoutExcludes !== undefined ? `output lacks "${expect.stdoutExcludes}"` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}
