import { listOf, type JsonObject } from '../pod-security/json.js';
import { unknown, type Arg } from './arg.js';
import { expandReferences, type EnvLookup } from './env.js';

export interface ContainerArgv {
  /** command + args, expanded; the image's entrypoint (unknown) first when `command` is not set. */
  argv: Arg[];
  /** True when the program is the image's ENTRYPOINT, which the spec does not show. */
  entrypointFromImage: boolean;
}

/**
 * The argv a container's process starts with, as the kubelet assembles it:
 * `command` replaces the image's ENTRYPOINT, `args` replaces its CMD, and
 * both are expanded with the container's environment. With no `command`
 * the program is the image's entrypoint (and with neither, its CMD too),
 * which the lab cannot see.
 */
export function containerArgv(container: JsonObject, lookup: EnvLookup): ContainerArgv {
  const expand = (list: unknown) => listOf(list).map((item) => expandReferences(typeof item === 'string' ? item : String(item), lookup));
  const command = expand(container.command);
  const args = expand(container.args);
  if (command.length > 0) return { argv: [...command, ...args], entrypointFromImage: false };
  const image = typeof container.image === 'string' ? container.image : '';
  return { argv: [unknown(`<entrypoint of ${image || 'the image'}>`), ...args], entrypointFromImage: true };
}
