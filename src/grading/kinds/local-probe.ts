import { z } from 'zod';
import { runSecretName, runTokenKey } from '../../names.js';
import { kinds } from '../cluster-view.js';
import type { GradingContext } from '../context.js';
import { error, fail, pass, skipped, type Verdict } from '../types.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
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
type LocalProbeSpec = KindSpec<typeof fields>;

/**
 * An HTTP GET to a loopback address on the learner's machine, e.g. what
 * `kubectl port-forward` exposes. Only loopback URLs pass the schema. The
 * per-run token proves the answer comes from this run's app.
 */
export const localProbe = defineKind({
  fields,
  run: probeLoopback,
  // Nothing in the cluster says when the learner's port-forward starts: the TUI's timer re-grades it.
  watch: () => [],
});

async function probeLoopback(spec: LocalProbeSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const runtime = await view.runtime();
  if (!runtime.available) return skipped(`${runtime.reason ?? 'no container runtime'}: nothing can answer on ${spec.url}`);

  let token: string | undefined;
  if (spec.expect.bodyContainsRunToken) {
    const secret = await view.client.get<{ data?: Record<string, string> }>(kinds.secret, runSecretName, scenario.namespaces[0]);
    const encoded = secret?.data?.[runTokenKey];
    token = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
    if (!token) return error(`the run token Secret ${scenario.namespaces[0]}/${runSecretName} is missing: restart the scenario (k8s-sec-lab start ${scenario.id})`);
  }

  let status: number;
  let body: string;
  try {
    const response = await fetch(spec.url, { signal: AbortSignal.timeout(3_000), redirect: 'manual' });
    status = response.status;
    body = await response.text();
  } catch (cause) {
    const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
    return fail(`nothing answers on ${spec.url} (${reason}): is your port-forward running?`, {
      object: spec.url,
      observed: 'no answer',
      expected: 'an HTTP answer from the app',
    });
  }

  const problems = [
    spec.expect.status !== undefined && status !== spec.expect.status ? `status ${status}, expected ${spec.expect.status}` : undefined,
    spec.expect.bodyContains !== undefined && !body.includes(spec.expect.bodyContains) ? `the body lacks "${spec.expect.bodyContains}"` : undefined,
    token !== undefined && !body.includes(token) ? "the body lacks this run's token (is something else listening there?)" : undefined,
  ].filter((problem): problem is string => problem !== undefined);
  const evidence = { object: spec.url, observed: `HTTP ${status}`, expected: spec.expect.status ? `HTTP ${spec.expect.status} from this run's app` : "this run's app" };
  return problems.length === 0 ? pass(`${spec.url} answers with this run's app (HTTP ${status})`, evidence) : fail(`${spec.url}: ${problems.join('; ')}`, evidence);
}
