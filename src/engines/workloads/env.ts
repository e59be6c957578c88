import { objectOrEmpty, listOf, type JsonObject } from '../pod-security/json.js';
import { concat, literal, unknown, type Arg } from './arg.js';

/** What `$(NAME)` resolves to in a container: a value, or `undefined` when nothing defines NAME. */
export type EnvLookup = (name: string) => Arg | undefined;

/**
 * Kubernetes' `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion),
 * as the kubelet applies it to env values, command and args: `$(NAME)` is
 * replaced when NAME is defined, kept as written when it is not; `$$` is a
 * literal `$`, so `$$(NAME)` stays `$(NAME)`; a `$` before anything else, or
 * an unclosed `$(`, is kept.
 */
export function expandReferences(input: string, lookup: EnvLookup): Arg {
  const pieces: Arg[] = [];
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    pieces.push(literal(input.slice(checkpoint, cursor)));
    const next = input[cursor + 1];
    if (next === '$') {
      pieces.push(literal('$'));
      cursor += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) {
        pieces.push(literal('$('));
        cursor += 1;
      } else {
        const name = input.slice(cursor + 2, close);
        pieces.push(lookup(name) ?? literal(`$(${name})`));
        cursor = close;
      }
    } else {
      pieces.push(literal(`$${next}`));
      cursor += 1;
    }
    checkpoint = cursor + 1;
  }
  pieces.push(literal(input.slice(checkpoint)));
  return concat(pieces);
}

/**
 * Variables the kubelet adds for Services (`<NAME>_SERVICE_HOST`, `<NAME>_PORT_80_TCP_ADDR`...):
 * their values are cluster IPs the spec does not show. The default namespace's
 * `kubernetes` Service is always there; the others unless enableServiceLinks is false.
 */
const serviceVariable = /^[A-Z_][A-Z0-9_]*_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;

/**
 * The environment of one container as the kubelet builds it: envFrom first,
 * then env in order, each value expanded with the variables defined before
 * it. Literal values are known; valueFrom (fieldRef, Secret and ConfigMap
 * keys, resources) and every name envFrom may define are unknown.
 */
export function containerEnv(container: JsonObject, podSpec: JsonObject): EnvLookup {
  const defined = new Map<string, Arg>();
  const hasEnvFrom = listOf(container.envFrom).length > 0;
  const serviceLinks = podSpec.enableServiceLinks !== false;
  const lookup: EnvLookup = (name) => {
    const value = defined.get(name);
    if (value) return value;
    if (hasEnvFrom) return unknown(`$(${name})`);
    if (serviceVariable.test(name) && (serviceLinks || name.startsWith('KUBERNETES_'))) return unknown(`$(${name})`);
    return undefined;
  };
  for (const entry of listOf(container.env)) {
    const variable = objectOrEmpty(entry);
    if (typeof variable.name !== 'string') continue;
    if (variable.valueFrom !== undefined && variable.valueFrom !== null) {
      defined.set(variable.name, unknown(`$(${variable.name})`));
    } else {
      defined.set(variable.name, expandReferences(typeof variable.value === 'string' ? variable.value : '', lookup));
    }
  }
  return lookup;
}
