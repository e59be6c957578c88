import type { Arg } from '../arg.js';
import { flagTable, parseBool, parseFlags, splitSubcommand, type FlagSpec } from '../pflag.js';

const value = (name: string, shorthand?: string, defaultValue?: string): FlagSpec => ({ name, type: 'value', ...(shorthand ? { shorthand } : {}), ...(defaultValue === undefined ? {} : { default: defaultValue }) });
const bool = (name: string, shorthand?: string): FlagSpec => ({ name, type: 'bool', default: 'false', ...(shorthand ? { shorthand } : {}) });

/** kubectl's global flags (`kubectl options`, v1.36), valid before and after the subcommand. */
const globalFlags: FlagSpec[] = [
  ...['as', 'as-group', 'as-uid', 'as-user-extra', 'cache-dir', 'certificate-authority', 'client-certificate', 'client-key', 'cluster', 'context'].map((name) => value(name)),
  ...['kubeconfig', 'kuberc', 'log-flush-frequency', 'password', 'profile', 'profile-output', 'request-timeout', 'tls-server-name', 'token', 'user', 'username', 'vmodule'].map((name) => value(name)),
  value('namespace', 'n'),
  value('server', 's'),
  value('v', 'v'),
  bool('disable-compression'),
  bool('insecure-skip-tls-verify'),
  bool('match-server-version'),
  bool('warnings-as-errors'),
  bool('help', 'h'),
];

export const proxyDefaults = {
  address: '127.0.0.1',
  port: '8001',
  acceptHosts: '^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$',
  rejectPaths: '^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach',
} as const;

/** `kubectl proxy`'s own flags (v1.36), with their defaults. */
const proxyFlags: FlagSpec[] = [
  value('accept-hosts', undefined, proxyDefaults.acceptHosts),
  value('accept-paths', undefined, '^.*'),
  value('address', undefined, proxyDefaults.address),
  value('api-prefix', undefined, '/'),
  bool('append-server-path'),
  bool('disable-filter'),
  value('keepalive', undefined, '0s'),
  value('port', 'p', proxyDefaults.port),
  value('reject-methods', undefined, '^$'),
  value('reject-paths', undefined, proxyDefaults.rejectPaths),
  value('unix-socket', 'u', ''),
  value('www', 'w', ''),
  value('www-prefix', 'P', '/static/'),
];

// kubectl normalises every flag name: `--disable_filter` is `--disable-filter`.
const normalize = (name: string) => name.replaceAll('_', '-');
const rootTable = flagTable(globalFlags, normalize);
const proxyTable = flagTable([...proxyFlags, ...globalFlags], normalize);

/** Where and how a `kubectl proxy` serves, as kubectl itself would read its arguments. */
export interface KubectlProxyFacts {
  /** `loopback` (127.0.0.0/8, localhost, [::1]), `unix-socket`, or `network`: any other address, including "" and 0.0.0.0 (every interface) and values the lab cannot know. */
  listen: 'loopback' | 'unix-socket' | 'network';
  address: string;
  port: string;
  /** `--disable-filter`: no Host, path or method filter at all. */
  filterDisabled: boolean;
  /** `--accept-hosts` admits a Host header beyond localhost, 127.0.0.1 and [::1] (any pattern not among the defaults). */
  hostFilterWidened: boolean;
  /** Every proxy flag's effective value (defaults included), as kubectl receives it. */
  flags: Record<string, string>;
}

export type KubectlOutcome =
  | { status: 'runs'; facts: KubectlProxyFacts }
  /** Another subcommand, or --help: no proxy runs. */
  | { status: 'other'; command: string }
  /** kubectl would refuse these arguments, or the lab cannot tell what they hold. */
  | { status: 'unclear'; problem: string };

/**
 * Reads the arguments after `kubectl` the way kubectl does: cobra finds the
 * subcommand after any global flags, then pflag parses the subcommand's and
 * the global flags wherever they stand. Only `proxy` is judged.
 */
export function kubectlProxy(args: readonly Arg[]): KubectlOutcome {
  const split = splitSubcommand(args, rootTable);
  if (!split.ok) return { status: 'unclear', problem: split.problem };
  if (split.command?.text !== 'proxy') return { status: 'other', command: split.command?.text ?? '(none)' };
  const parsed = parseFlags(split.rest, proxyTable);
  if (!parsed.ok) return { status: 'unclear', problem: parsed.problem };
  const given = (name: string) => parsed.values.get(name);
  if (given('help')?.known && parseBool(given('help')!.text)) return { status: 'other', command: 'proxy --help' };

  const flags: Record<string, string> = {};
  for (const spec of proxyFlags) flags[spec.name] = given(spec.name)?.text ?? spec.default ?? '';
  const address = given('address') ?? { text: proxyDefaults.address, known: true, knownPrefix: proxyDefaults.address.length };
  const socket = given('unix-socket');
  const disable = given('disable-filter');
  const acceptHosts = given('accept-hosts');
  return {
    status: 'runs',
    facts: {
      listen: socket?.known && socket.text !== '' ? 'unix-socket' : address.known && isLoopback(address.text) ? 'loopback' : 'network',
      address: address.text,
      port: flags.port!,
      // A value the lab cannot know counts against the proxy: fail closed.
      filterDisabled: disable === undefined ? false : !disable.known || parseBool(disable.text) === true,
      hostFilterWidened: acceptHosts === undefined ? false : !acceptHosts.known || widensHostFilter(acceptHosts.text),
      flags,
    },
  };
}

/** Addresses Go's net.Listen binds to loopback only; `::1` without brackets does not even parse as host:port. */
export function isLoopback(address: string): boolean {
  if (address.toLowerCase() === 'localhost' || address === '[::1]') return true;
  const octets = address.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** kubectl splits --accept-hosts on commas; an empty list accepts nothing. */
function widensHostFilter(patterns: string): boolean {
  if (patterns === '') return false;
  const defaults = new Set(proxyDefaults.acceptHosts.split(','));
  return patterns.split(',').some((pattern) => !defaults.has(pattern));
}
