import type { DoctorReport } from '../cluster/doctor/run.js';
import type { UpEvent, UpQuestion, UpResult } from '../cluster/up.js';
import { LabError, messageOf } from '../errors.js';
import { labClusterName, labContextName, type ContainerEngine } from '../names.js';
import { requireConfirmation, type Confirm } from './confirm.js';
import { adoptQuestion, type LabSession } from './session.js';

export interface UpRequest {
  provider?: ContainerEngine;
  /** The kind node image (`up --node-image`); else $K8S_SEC_LAB_NODE_IMAGE, else labs/cluster/kind.yaml's. */
  nodeImage?: string;
  /** Use the chosen existing cluster (--existing) instead of creating the kind cluster. */
  existing?: boolean;
  /** Rewrite CoreDNS without an upstream once the cluster is ready (`--isolated-dns`). */
  isolatedDns?: boolean;
  /** Answers the questions of `up`: downloading kind, deleting a broken cluster, adopting an existing one. */
  confirm: Confirm;
  /** Asked before downloading the pinned kind (default: `confirm`). */
  confirmDownload?: Confirm;
  /** Asked after kind was interrupted, whether to start over; --yes must not answer it (default: no). */
  confirmAfterInterrupt?: Confirm;
  report: (event: UpEvent) => void;
  /** Says something the user should know but need not act on now (a cgroup v1 host). */
  warn?: (message: string) => void;
  /** Aborting it stops `kind create cluster` (Ctrl-C in the CLI, quitting the TUI). */
  signal?: AbortSignal;
}

export interface UpOutcome extends UpResult {
  /** kind's output, named in failures. */
  logFile: string;
}

/** A failed `up`, with the file that holds kind's output. */
export class UpFailedError extends LabError {
  constructor(
    cause: unknown,
    readonly logFile: string,
  ) {
    super(messageOf(cause), { cause, ...(cause instanceof LabError ? { exitCode: cause.exitCode, ...(cause.fix ? { fix: cause.fix } : {}) } : {}) });
  }
}

/** Creates (or reuses) the lab's kind cluster, or prepares an existing cluster the learner confirmed. */
export async function bringUp(session: LabSession, request: UpRequest): Promise<UpOutcome> {
  const [{ runUp }, { kindUpDeps }, { chooseNodeImage, labNodeCount }, { selectEngine }, images] = await Promise.all([
    import('../cluster/up.js'),
    import('../cluster/kind/lab-deps.js'),
    import('../cluster/kind/config.js'),
    import('../cluster/kind/engine.js'),
    session.images(),
  ]);
  const { env } = session.options;
  const nodeImage = request.existing ? undefined : await chooseNodeImage(request.nodeImage, env, images);
  const deps = kindUpDeps({
    env,
    images,
    ...(nodeImage ? { nodeImage } : {}),
    engine: selectEngine(request.provider, env),
    confirmDownload: request.confirmDownload ?? request.confirm,
    decide: (question) => (question.kind === 'interrupted' ? (request.confirmAfterInterrupt ?? declineAll) : request.confirm)(upQuestionText(question)),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.warn ? { warn: request.warn } : {}),
  });
  try {
    if (request.existing) {
      const client = await session.connect();
      await requireConfirmation(request.confirm, `${adoptQuestion(client.context, client.server)}, after installing the lab add-ons`);
      return { ...(await runUp(deps, { mode: 'existing', client, isolatedDns: request.isolatedDns ?? false }, request.report)), logFile: deps.logFile };
    }
    const result = await runUp(deps, { mode: 'kind', expectedNodes: labNodeCount, isolatedDns: request.isolatedDns ?? false }, request.report);
    // The new cluster's context is the one the session uses from now on.
    session.reconnect();
    return { ...result, logFile: deps.logFile };
  } catch (error) {
    throw new UpFailedError(error, deps.logFile);
  }
}

const declineAll: Confirm = async () => false;

function upQuestionText(question: UpQuestion): string {
  switch (question.kind) {
    case 'interrupted':
      return `kind was stopped. Delete the half-created cluster ${labClusterName} and create it again?`;
    case 'create-failed':
      return `Creating the cluster failed (${messageOf(question.error)}; kind's output: ${question.logFile}). Delete what was created and try once more?`;
    case 'unhealthy':
      return `The kind cluster ${labClusterName} exists but is not healthy (${question.detail}). Delete it and create it again?`;
  }
}

/** Deletes the lab's kind cluster (never an adopted one); false when there was none. */
export async function tearDown(session: LabSession, request: { provider?: ContainerEngine; confirm: Confirm }): Promise<boolean> {
  const [{ selectEngine }, { kindInstallHint }, { locateKind }, { kindProviderFor }, { execaRunner }] = await Promise.all([
    import('../cluster/kind/engine.js'),
    import('../cluster/kind/install-hint.js'),
    import('../cluster/kind/locate.js'),
    import('../cluster/kind/provider.js'),
    import('../cluster/runner.js'),
  ]);
  const { env } = session.options;
  const lookup = await locateKind(execaRunner, env, process.platform);
  if (lookup.status === 'missing') {
    throw new LabError('kind is not installed, so the lab cannot look for its cluster', {
      fix: `install kind (${kindInstallHint(process.platform, process.arch, env)}), or remove the nodes directly: \`docker rm -f ${labClusterName}-control-plane ${labClusterName}-worker ${labClusterName}-worker2\``,
    });
  }
  const provider = kindProviderFor(lookup.kind, selectEngine(request.provider, env), env);
  if (!(await provider.list()).includes(labClusterName)) return false;
  await requireConfirmation(request.confirm, `Delete the kind cluster ${labClusterName} (context ${labContextName}) and everything in it?`);
  await provider.delete(labClusterName);
  return true;
}

/** What this machine has and lacks for the lab. */
export async function examine(session: LabSession, provider?: ContainerEngine): Promise<DoctorReport> {
  const [{ runDoctor }, { selectEngine }, { chooseNodeImage }] = await Promise.all([
    import('../cluster/doctor/run.js'),
    import('../cluster/kind/engine.js'),
    import('../cluster/kind/config.js'),
  ]);
  const { env } = session.options;
  const nodeImage = await chooseNodeImage(undefined, env, await session.images());
  return runDoctor({ env, engine: selectEngine(provider, env), ...(nodeImage ? { nodeImage } : {}) });
}
