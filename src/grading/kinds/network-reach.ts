import { z } from 'zod';
import {
  buildNetworkModel,
  endpointName,
  evaluateConnection,
  externalEndpoint,
  formatIssue,
  podEndpoint,
  type Endpoint,
} from '../../engines/network-policy/index.js';
import type { NetworkPolicy } from '../../model/k8s.js';
import { kinds } from '../cluster-view.js';
import type { GradingContext } from '../context.js';
import { endpointNamespace, endpointSchema, protocolSchema, type EndpointSpec } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector, selectPods } from '../select.js';
import { error, fail, pass, type Verdict } from '../types.js';
import { target, watched, type WatchTarget } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  from: endpointSchema,
  to: endpointSchema,
  port: z.number().int().min(1).max(65535),
  protocol: protocolSchema.default('TCP'),
  expect: z.enum(['allowed', 'denied']),
};
type NetworkReachSpec = KindSpec<typeof fields>;

/**
 * Judges a connection with the NetworkPolicy evaluator on live Namespaces,
 * Pods and NetworkPolicies. With pod selections on a side, the verdict must
 * hold for EVERY pod pair, and a side without pods fails: deleting the
 * workload is not a fix.
 */
export const networkReach = defineKind({
  fields,
  run: judgeConnection,
  watch: (spec) => [
    target(watched.namespace),
    ...[spec.from, spec.to].flatMap((side): WatchTarget[] => {
      const namespace = endpointNamespace(side);
      return namespace ? [target(watched.pod, namespace), target(watched.networkPolicy, namespace)] : [];
    }),
  ],
});

async function judgeConnection(spec: NetworkReachSpec, ctx: GradingContext): Promise<Verdict> {
  const sides = [spec.from, spec.to];
  for (const side of sides) {
    const namespace = endpointNamespace(side);
    const missing = namespace ? await missingNamespace(ctx.view, ctx.scenario, namespace) : undefined;
    if (missing) return missing;
  }
  const namespaces = [...new Set(sides.map(endpointNamespace).filter((namespace): namespace is string => namespace !== undefined))];
  const [allNamespaces, policies] = await Promise.all([
    ctx.view.list(kinds.namespace),
    Promise.all(namespaces.map((namespace) => ctx.view.list<NetworkPolicy>(kinds.networkPolicy, namespace))).then((lists) => lists.flat()),
  ]);
  const model = buildNetworkModel({ namespaces: allNamespaces, pods: [], policies });

  const [from, to] = await Promise.all(sides.map((side) => endpointsOf(side, ctx)));
  for (const [label, endpoints] of [['source', from], ['destination', to]] as const) {
    if (typeof endpoints === 'string') {
      return fail(`no ${label} pod: ${endpoints}`, { object: endpoints, observed: 'no pods', expected: 'the workload still runs' });
    }
  }

  const query = { port: spec.port, protocol: spec.protocol };
  const connection = `port ${spec.port}/${spec.protocol}`;
  for (const source of from as Endpoint[]) {
    for (const destination of to as Endpoint[]) {
      const outcome = evaluateConnection(model, source, destination, query);
      if (!outcome.ok) return error(`cannot judge ${endpointName(source)} -> ${endpointName(destination)}: ${outcome.issues.map(formatIssue).join('; ')}`);
      const verdict = outcome.value;
      if (verdict.allowed !== (spec.expect === 'allowed')) {
        const object = `${endpointName(source)} -> ${endpointName(destination)}:${spec.port}/${spec.protocol}`;
        return fail(`${object} is ${verdict.allowed ? 'allowed' : 'denied'}, expected ${spec.expect}: ${verdict.explanation}`, {
          object,
          observed: verdict.allowed ? 'allowed' : 'denied',
          expected: spec.expect,
        });
      }
    }
  }
  const pairs = (from as Endpoint[]).length * (to as Endpoint[]).length;
  return pass(`${describeSide(spec.from)} -> ${describeSide(spec.to)} on ${connection}: ${spec.expect}${pairs > 1 ? ` for all ${pairs} pod pairs` : ''}`);
}

/** The endpoints of one side, or a message when a pod selection matches nothing. */
async function endpointsOf(side: EndpointSpec, { view }: GradingContext): Promise<Endpoint[] | string> {
  if ('ip' in side) return [externalEndpoint(side.ip)];
  if ('hypotheticalPod' in side) {
    const { namespace, name, labels, ports } = side.hypotheticalPod;
    return [{ kind: 'pod', namespace, name, labels, ports }];
  }
  const pods = await selectPods(view, side.pods);
  if (pods.length === 0) return `nothing matches ${describeSide(side)} (deleting or scaling the workload to zero is not a fix)`;
  return pods.map(podEndpoint);
}

function describeSide(side: EndpointSpec): string {
  if ('ip' in side) return side.ip;
  if ('hypotheticalPod' in side) return `${side.hypotheticalPod.namespace}/${side.hypotheticalPod.name}`;
  return `pods ${describeSelector(side.pods.selector)} in ${side.pods.namespace}`;
}
