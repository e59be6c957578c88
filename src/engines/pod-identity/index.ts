/**
 * EKS Pod Identity, as the lab's agent emulator (labs/addons/pod-identity/agent.py)
 * and the AWS SDKs' container credential provider read it. Pure: no I/O; the
 * pod-identity check kinds feed it the associations ConfigMap and pod specs.
 */

/** Where the agent listens and what it serves, as the EKS Pod Identity webhook injects it. */
export const agentUri = { host: '169.254.170.23', port: '80', path: '/v1/credentials' } as const;
export const tokenAudience = 'pods.eks.amazonaws.com';
export const fullUriEnv = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
export const tokenFileEnv = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE';

/** The agent's own pattern (agent.py ROLE_ARN). */
const roleArn = /^arn:aws:iam::([0-9]{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

export interface Association {
  /** The ConfigMap key, `<namespace>.<service account>`. */
  key: string;
  namespace: string;
  serviceAccount: string;
  /** The value as the agent uses it: whitespace trimmed. */
  role: string;
  valid: boolean;
}

/** Every association of the ConfigMap's data, read as the agent reads it (a namespace has no dots, so the first dot splits). */
export function associationsOf(data: Record<string, string> | undefined): Association[] {
  return Object.entries(data ?? {}).flatMap(([key, value]) => {
    const dot = key.indexOf('.');
    if (dot <= 0 || dot === key.length - 1) return [];
    const role = value.trim();
    if (role === '') return [];
    return [{ key, namespace: key.slice(0, dot), serviceAccount: key.slice(dot + 1), role, valid: roleArn.test(role) }];
  });
}

export interface AssociationGap {
  /** Accounts that should get the role and do not (no key, another role, or a value the agent refuses). */
  missing: string[];
  /** Other accounts that get the role too. */
  extra: string[];
}

/** Which accounts hold `role` beyond `wanted` (`namespace/name`), and which of `wanted` do not. */
export function associationGap(associations: readonly Association[], role: string, wanted: readonly string[]): AssociationGap {
  const holders = new Set(associations.filter((association) => association.valid && association.role === role).map((association) => `${association.namespace}/${association.serviceAccount}`));
  return {
    missing: wanted.filter((account) => !holders.has(account)),
    extra: [...holders].filter((account) => !wanted.includes(account)).sort(),
  };
}

/** What an association says about one account, for messages: "reports.reports = arn:..." or "no association". */
export function describeAssociation(associations: readonly Association[], account: string): string {
  const found = associations.find((association) => `${association.namespace}/${association.serviceAccount}` === account);
  if (!found) return `no association for ${account}`;
  return found.valid ? `${account} is associated with ${found.role}` : `${account}'s association "${found.role}" is not an IAM role ARN, so the agent refuses it`;
}

interface Mount {
  name?: string;
  mountPath?: string;
  subPath?: string;
}
interface Volume {
  name?: string;
  projected?: { sources?: { serviceAccountToken?: { audience?: string; path?: string } }[] };
}

/**
 * Why a container would not get credentials from the agent, or undefined when
 * it would: the SDK's container provider needs the full URI of the agent and
 * a token file, and the file must be a projected service-account token with
 * the agent's audience (the agent's TokenReview refuses any other).
 */
export function clientProblem(container: { env?: unknown; volumeMounts?: unknown }, volumes: unknown): string | undefined {
  const env = new Map<string, unknown>();
  for (const entry of Array.isArray(container.env) ? container.env : []) {
    const { name, value, valueFrom } = (entry ?? {}) as { name?: string; value?: string; valueFrom?: unknown };
    if (typeof name === 'string') env.set(name, valueFrom === undefined ? value : undefined);
  }
  const uri = env.get(fullUriEnv);
  if (typeof uri !== 'string') return `${fullUriEnv} is not set to a literal value, so the SDK falls back to the metadata service (169.254.169.254)`;
  const uriProblem = agentUriProblem(uri);
  if (uriProblem) return `${fullUriEnv} is ${JSON.stringify(uri)}: ${uriProblem}`;
  const file = env.get(tokenFileEnv);
  if (typeof file !== 'string' || file === '') return `${tokenFileEnv} is not set, so the request carries no token and the agent refuses it`;
  const mounts = (Array.isArray(container.volumeMounts) ? container.volumeMounts : []) as Mount[];
  const found = mounts.flatMap((mount) => {
    if (!mount.mountPath || !mount.name) return [];
    const base = mount.mountPath.replace(/\/+$/, '');
    if (mount.subPath) return file === base ? [{ mount, path: mount.subPath }] : [];
    return file.startsWith(`${base}/`) ? [{ mount, path: file.slice(base.length + 1) }] : [];
  });
  if (found.length === 0) return `${tokenFileEnv} is ${file}, which no volume is mounted at`;
  const { mount, path } = found.sort((a, b) => (b.mount.mountPath?.length ?? 0) - (a.mount.mountPath?.length ?? 0))[0]!;
  const volume = ((Array.isArray(volumes) ? volumes : []) as Volume[]).find((candidate) => candidate.name === mount.name);
  const token = volume?.projected?.sources?.find((source) => source.serviceAccountToken?.path === path)?.serviceAccountToken;
  if (!token) return `${file} is not a projected service-account token (volume "${mount.name}" has no serviceAccountToken source at path ${path})`;
  if (token.audience !== tokenAudience) return `the token at ${file} has audience ${token.audience ? JSON.stringify(token.audience) : 'of the API server (none set)'}; the agent accepts only ${tokenAudience}`;
  return undefined;
}

function agentUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:') return `the agent speaks plain http on the link-local address, not ${url.protocol}`;
  if (url.hostname !== agentUri.host) return `the EKS Pod Identity Agent listens on ${agentUri.host}${url.hostname === '169.254.170.2' ? ' (169.254.170.2 is the ECS task metadata endpoint)' : ''}`;
  if ((url.port || '80') !== agentUri.port) return `the agent listens on port ${agentUri.port}`;
  if (url.pathname !== agentUri.path) return `the agent serves ${agentUri.path}`;
  return undefined;
}
