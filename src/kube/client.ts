import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeObject } from '../model/k8s.js';
import { LabError } from '../errors.js';
import { anonymousKubeConfig, type KubeAccess } from './config.js';
import { KubeRequestError, parseStatus } from './errors.js';
import { collectionPath, objectPath, resourceType, type ResourceType } from './resources.js';

/** apiVersion + kind of a resource, e.g. { apiVersion: 'apps/v1', kind: 'Deployment' }. */
export interface TypeRef {
  apiVersion: string;
  kind: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface AccessReviewSpec {
  user?: string;
  groups?: string[];
  resourceAttributes: {
    namespace?: string;
    verb: string;
    group?: string;
    resource: string;
    subresource?: string;
    name?: string;
  };
}

export interface AccessReviewResult {
  allowed: boolean;
  reason?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type WatchEvent = { type: string; object: KubeObject };

interface RequestParts {
  query?: URLSearchParams;
  body?: string;
  contentType?: string;
  timeoutMs?: number;
  impersonate?: Impersonation;
  credentials?: Credentials;
}

/** Whose credentials a request carries: the kubeconfig's (default) or none at all, a real anonymous request. */
export type Credentials = 'kubeconfig' | 'none';

/** Who a request acts as (Impersonate-User and Impersonate-Group headers); the lab's own identity needs the impersonate verb. */
export interface Impersonation {
  user: string;
  groups: string[];
}

/** Any request, answered with whatever the API server said. */
export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: URLSearchParams;
  body?: string;
  contentType?: string;
  impersonate?: Impersonation;
  credentials?: Credentials;
}

export interface RawResponse {
  status: number;
  body: string;
  /** The Warning headers' texts, e.g. what a ValidatingAdmissionPolicy in Warn mode said. */
  warnings: string[];
}

const defaultTimeoutMs = 10_000;

/** Who the client says it is: the field manager of its writes, and the user agent the audit log records. */
export interface ClientIdentity {
  fieldManager: string;
  userAgent: string;
}

/**
 * The lab's only door to Kubernetes: plain JSON in and out, one keep-alive
 * connection, and every failure a KubeRequestError. client-node provides the
 * kubeconfig handling and authentication (tokens, client certificates, exec
 * plugins); requests are sent directly so objects stay plain JSON.
 */
export class KubeClient {
  /** Requests sent so far, so callers can report and bound their API usage. */
  requestCount = 0;
  /** One keep-alive agent per kind of credentials: a connection with a client certificate must never carry an anonymous request. */
  private readonly agents = new Map<Credentials, HttpsAgent>();

  constructor(
    readonly access: KubeAccess,
    private readonly identity: ClientIdentity,
  ) {}

  get server(): string {
    return this.access.server;
  }

  get context(): string {
    return this.access.context;
  }

  async list<T extends KubeObject = KubeObject>(ref: TypeRef, options: ListOptions = {}): Promise<T[]> {
    const type = lookup(ref);
    const query = new URLSearchParams();
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    const list = (await this.request('GET', collectionPath(type, options.namespace), { query })) as { items?: T[] };
    // Lists omit apiVersion/kind on items; restore them so objects describe themselves.
    return (list.items ?? []).map((item) => ({ apiVersion: type.apiVersion, kind: type.kind, ...item }));
  }

  /** The object, or undefined when it does not exist (404). */
  async get<T extends KubeObject = KubeObject>(ref: TypeRef, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return (await this.request('GET', objectPath(lookup(ref), name, namespace))) as T;
    } catch (error) {
      if (error instanceof KubeRequestError && error.isNotFound) return undefined;
      throw error;
    }
  }

  /**
   * Server-side apply as the lab's field manager (or `fieldManager`, for a share of an
   * object that several writers fill side by side); `force` takes over fields other managers own.
   */
  async apply(object: KubeObject, options: { dryRun?: boolean; force?: boolean; fieldManager?: string } = {}): Promise<KubeObject> {
    const { type, name, namespace } = identify(object);
    const query = new URLSearchParams({ fieldManager: options.fieldManager ?? this.identity.fieldManager, force: String(options.force ?? true) });
    if (options.dryRun) query.set('dryRun', 'All');
    return (await this.request('PATCH', objectPath(type, name, namespace), {
      query,
      body: JSON.stringify(object),
      contentType: 'application/apply-patch+yaml',
    })) as KubeObject;
  }

  /**
   * Makes the stored object exactly `object`: a PUT over the live
   * resourceVersion (retried on a conflicting write), or a create when there
   * is none. Unlike server-side apply, fields other writers added (a
   * `kubectl patch`'s nodeSelector) are gone afterwards.
   */
  async replace(object: KubeObject): Promise<KubeObject> {
    const { type, name, namespace } = identify(object);
    for (let attempt = 1; ; attempt++) {
      const live = await this.get(object as TypeRef, name, namespace);
      if (!live) return this.create(object);
      try {
        return (await this.request('PUT', objectPath(type, name, namespace), {
          query: new URLSearchParams({ fieldManager: this.identity.fieldManager }),
          body: JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion: live.metadata?.resourceVersion } }),
          contentType: 'application/json',
        })) as KubeObject;
      } catch (error) {
        if (!(error instanceof KubeRequestError && error.status === 409 && attempt < 3)) throw error;
      }
    }
  }

  /** A plain create; with dryRun the API server runs validation and admission but stores nothing. */
  async create(object: KubeObject, options: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const type = lookup(object as TypeRef);
    const namespace = type.namespaced ? object.metadata?.namespace : undefined;
    const query = new URLSearchParams({ fieldManager: this.identity.fieldManager });
    if (options.dryRun) query.set('dryRun', 'All');
    return (await this.request('POST', collectionPath(type, namespace), {
      query,
      body: JSON.stringify(object),
      contentType: 'application/json',
    })) as KubeObject;
  }

  /** Deletes one object; false when it was already gone. */
  async delete(ref: TypeRef, name: string, namespace?: string): Promise<boolean> {
    try {
      await this.request('DELETE', objectPath(lookup(ref), name, namespace), {
        body: JSON.stringify({ propagationPolicy: 'Background' }),
        contentType: 'application/json',
      });
      return true;
    } catch (error) {
      if (error instanceof KubeRequestError && error.isNotFound) return false;
      throw error;
    }
  }

  /**
   * Deletes every object of a namespaced type in one namespace (one DELETE on
   * the collection), each with `gracePeriodSeconds` when given; nothing when
   * the namespace is gone.
   */
  async deleteAllIn(ref: TypeRef, namespace: string, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
    const type = lookup(ref);
    // A collection path without a namespace would reach every namespace.
    if (!type.namespaced || !namespace) throw new Error(`deleteAllIn needs a namespaced type and a namespace (got ${type.plural} in "${namespace}")`);
    try {
      await this.request('DELETE', collectionPath(type, namespace), {
        body: JSON.stringify({ propagationPolicy: 'Background', ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }) }),
        contentType: 'application/json',
      });
    } catch (error) {
      if (!(error instanceof KubeRequestError && error.isNotFound)) throw error;
    }
  }

  /** Asks the API server whether a user may do something (SubjectAccessReview). */
  async accessReview(spec: AccessReviewSpec): Promise<AccessReviewResult> {
    const review = (await this.create({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec,
    })) as { status?: { allowed?: boolean; reason?: string } };
    return { allowed: review.status?.allowed === true, ...(review.status?.reason ? { reason: review.status.reason } : {}) };
  }

  /** A GET that reports any HTTP status instead of throwing on it (health endpoints such as /readyz). */
  async rawGet(path: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
    return this.send('GET', path, { timeoutMs });
  }

  /** Any request, possibly as someone else; every HTTP status is an answer, only no answer at all throws. */
  async rawRequest(request: RawRequest): Promise<RawResponse> {
    const { method, path, ...parts } = request;
    return this.send(method, path, parts);
  }

  async serverVersion(): Promise<string> {
    const version = (await this.request('GET', '/version')) as { gitVersion?: string };
    return version.gitVersion ?? 'unknown';
  }

  /**
   * Watches a collection and calls `onEvent` for each change until the
   * returned function is called. The stream ends at the server's timeout;
   * callers that need continuity re-list and watch again (see done callback).
   */
  async watch(ref: TypeRef, namespace: string | undefined, onEvent: (event: WatchEvent) => void, onDone: (error?: unknown) => void): Promise<() => void> {
    const { Watch } = await import('@kubernetes/client-node');
    const path = collectionPath(lookup(ref), namespace);
    this.requestCount++;
    const controller = await new Watch(this.access.kubeConfig).watch(
      path,
      { allowWatchBookmarks: false },
      (type, object) => onEvent({ type, object: object as KubeObject }),
      (error) => onDone(error ?? undefined),
    );
    return () => controller.abort();
  }

  /**
   * Runs a command in a container and collects its output (needs a container
   * runtime). Only a real exit code is a result: a stream that ends without
   * one, or a Failure status without an ExitCode cause (container gone,
   * executable not found, permission denied), is a KubeRequestError. The
   * websocket is closed however the exec ends, so a timed-out probe never
   * keeps the process alive.
   */
  async exec(namespace: string, pod: string, container: string, command: string[], timeoutMs = 15_000): Promise<ExecResult> {
    const [{ Exec }, { WebSocketHandler }, { WebSocket }, { PassThrough, Readable }] = await Promise.all([
      import('@kubernetes/client-node'),
      // Not re-exported by the package index; its socket factory is how the lab gets hold of the socket.
      import('@kubernetes/client-node/dist/web-socket-handler.js'),
      import('ws'),
      import('node:stream'),
    ]);
    const where = `${namespace}/${pod}`;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
    stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
    this.requestCount++;
    let socket: InstanceType<typeof WebSocket> | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const exitCode = await new Promise<number>((resolve, reject) => {
        const factory = (uri: string, protocols: string[], options: object) => {
          socket = new WebSocket(uri, protocols, options);
          socket.on('close', () => reject(new KubeRequestError(`exec in ${where} failed: the stream closed before the command's exit status arrived`, 0, 'ExecFailed')));
          return socket;
        };
        // Its own streams: by default the handler would end process.stdout when the server closes the exec's stdout.
        const handler = new WebSocketHandler(this.access.kubeConfig, factory, { stdin: Readable.from([]), stdout, stderr });
        timer = setTimeout(() => reject(new KubeRequestError(`exec in ${where} timed out after ${timeoutMs / 1000}s`, 0, 'Timeout')), timeoutMs);
        new Exec(this.access.kubeConfig, handler)
          .exec(namespace, pod, container, command, stdout, stderr, null, false, (status) => {
            try {
              resolve(execExitCode(status, where));
            } catch (error) {
              reject(error);
            }
          })
          .catch((error: unknown) => reject(new KubeRequestError(`exec in ${where} failed: ${describe(error)}`, 0, 'ExecFailed', { cause: error })));
      });
      return { stdout: Buffer.concat(chunks.stdout).toString('utf8'), stderr: Buffer.concat(chunks.stderr).toString('utf8'), exitCode };
    } finally {
      clearTimeout(timer);
      socket?.terminate();
    }
  }

  /** Closes idle keep-alive connections so a short-lived command can exit promptly. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
  }

  private async request(method: string, path: string, options: RequestParts = {}): Promise<unknown> {
    const { status, body } = await this.send(method, path, options);
    if (status >= 200 && status < 300) return body ? JSON.parse(body) : {};
    const apiStatus = parseStatus(body);
    throw new KubeRequestError(`${method} ${path}: ${apiStatus.message ?? (body.trim() || `HTTP ${status}`)}`, status, apiStatus.reason ?? `HTTP${status}`);
  }

  /** Sends one request; only a failure to get any answer is an error here. */
  private async send(method: string, path: string, options: RequestParts = {}): Promise<RawResponse> {
    const url = new URL(path, this.server);
    if (options.query) url.search = options.query.toString();
    const requestOptions = await this.requestOptions(method, options);
    if (options.impersonate) {
      requestOptions.headers = { ...requestOptions.headers, 'impersonate-user': options.impersonate.user, 'impersonate-group': options.impersonate.groups };
    }
    this.requestCount++;
    const transport = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<RawResponse>((resolve, reject) => {
      const req = transport(url, { ...requestOptions, timeout: options.timeoutMs ?? defaultTimeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), warnings: warningTexts(res.headers.warning) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(options.body);
    }).catch((error: unknown) => {
      throw new KubeRequestError(`cannot reach the API server at ${this.server} (context ${this.context}): ${describe(error)}`, 0, 'Unreachable', {
        fix: 'check that the cluster is running (`k8s-sec-lab doctor`) and that --context names it',
        cause: error,
      });
    });
  }

  /** Authentication is applied per request (exec-plugin tokens expire); TLS material once per kind of credentials. */
  private async requestOptions(method: string, { contentType, body, credentials = 'kubeconfig' }: RequestParts): Promise<RequestOptions> {
    const options: RequestOptions = { method, headers: { accept: 'application/json', 'user-agent': this.identity.userAgent } };
    const kubeConfig = credentials === 'none' ? await anonymousKubeConfig(this.access) : this.access.kubeConfig;
    await kubeConfig.applyToHTTPSOptions(options);
    const proxied = Boolean(kubeConfig.getCurrentCluster()?.proxyUrl);
    if (!proxied) {
      const agent =
        this.agents.get(credentials) ??
        new HttpsAgent({
          keepAlive: true,
          ...pick(options, ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername']),
        });
      this.agents.set(credentials, agent);
      options.agent = agent;
    }
    // Node sends a DELETE body without framing unless told its length; on a kept-alive
    // connection the server would then read it as the start of the next request.
    if (body !== undefined) options.headers = { ...options.headers, 'content-length': Buffer.byteLength(body) };
    if (contentType) options.headers = { ...options.headers, 'content-type': contentType };
    return options;
  }
}

/** The texts of Warning headers (`299 - "text"`), one per header; Node joins repeated ones with ", ". */
export function warningTexts(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(', ') : (header ?? '');
  return [...joined.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((match) => (match[1] ?? '').replace(/\\(.)/g, '$1'));
}

function lookup(ref: TypeRef): ResourceType {
  const type = resourceType(ref.apiVersion, ref.kind);
  if (!type) {
    throw new LabError(`the lab does not know the kind ${ref.apiVersion ?? '?'} ${ref.kind ?? '?'}`, {
      fix: 'use one of the kinds listed in src/kube/resources.ts, or add it there',
    });
  }
  return type;
}

function identify(object: KubeObject): { type: ResourceType; name: string; namespace?: string } {
  const type = lookup(object as TypeRef);
  const name = object.metadata?.name;
  if (!name) throw new LabError(`a ${type.kind} without metadata.name cannot be applied`);
  const namespace = type.namespaced ? object.metadata?.namespace : undefined;
  if (type.namespaced && !namespace) throw new LabError(`${type.kind} ${name} has no metadata.namespace`);
  return { type, name, ...(namespace ? { namespace } : {}) };
}

/** The final v1.Status of an exec, as the kubelet (or the API server's stream translator) writes it. */
export interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/**
 * The command's exit code from its final status. A non-zero exit comes as a
 * Failure with an `ExitCode` cause; any other Failure means the command did
 * not run or did not finish (no executable, container gone, stream error),
 * which must never read as "the attack failed".
 */
export function execExitCode(status: ExecStatus, where: string): number {
  if (status.status === 'Success') return 0;
  const code = status.details?.causes?.find((cause) => cause.reason === 'ExitCode')?.message;
  if (status.status === 'Failure' && code !== undefined && /^\d+$/.test(code.trim())) return Number(code);
  const detail = status.message ?? status.reason ?? `an exec status without an exit code: ${JSON.stringify(status)}`;
  throw new KubeRequestError(`exec in ${where} failed: ${detail}`, status.code ?? 0, status.reason ?? 'ExecFailed');
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
