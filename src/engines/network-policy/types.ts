import type { Labels } from '../../model/k8s.js';

export const protocols = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof protocols)[number];

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === 'string' && (protocols as readonly string[]).includes(value);
}

export type Direction = 'ingress' | 'egress';

/** A container port as NetworkPolicy sees it: named ports resolve against these. */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
}

/**
 * A pod, real or hypothetical (e.g. a CoreDNS pod the cluster should have):
 * policies select it by namespace and labels, named ports resolve on `ports`.
 */
export interface PodEndpoint {
  kind: 'pod';
  namespace: string;
  name: string;
  labels: Labels;
  ports: EndpointPort[];
  podIPs?: string[];
}

/** An address outside the cluster, such as 169.254.169.254 (instance metadata). */
export interface ExternalEndpoint {
  kind: 'external';
  ip: string;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

export interface ConnectionQuery {
  port: number;
  protocol?: Protocol;
}

/** A rule that allowed a connection, with its field path for evidence. */
export interface RuleRef {
  policy: string;
  rule: number;
  path: string;
}

export interface DirectionVerdict {
  allowed: boolean;
  isolated: boolean;
  /** `namespace/name` of every policy that isolates this side in this direction. */
  isolatedBy: string[];
  allowedBy: RuleRef[];
  /** One sentence a learner understands. */
  summary: string;
}

export interface ConnectionVerdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  explanation: string;
}

/** Input that makes a verdict impossible: the object, the field path and what is wrong. */
export interface InputIssue {
  object: string;
  path: string;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] };

export type ReportIssue = (path: string, message: string) => void;

export function formatIssue(issue: InputIssue): string {
  return `${issue.object} ${issue.path}: ${issue.message}`;
}

export function endpointName(endpoint: Endpoint): string {
  return endpoint.kind === 'pod' ? `${endpoint.namespace}/${endpoint.name}` : endpoint.ip;
}
