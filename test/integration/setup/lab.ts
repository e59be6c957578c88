import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeAccess } from '../../../src/kube/config.js';
import { KubeClient } from '../../../src/kube/client.js';
import { labClientIdentity } from '../../../src/names.js';
import { fixtureCatalogue } from '../../helpers/fixtures.js';
import { runCliForTest, type CliResult } from '../../helpers/run-cli.js';


/** A lab CLI bound to one kubeconfig, fixture catalogue and private progress directory. */
export interface LabHarness {
  home: string;
  run(args: string[], options?: { answers?: string[]; interactive?: boolean }): Promise<CliResult>;
  progress(): Promise<{ scenarios: Record<string, { completedAt?: string; solutionAppliedAt?: string; attempts: number; hintsRevealed: Record<string, number> }> }>;
}

export async function labHarness(kubeconfig: string): Promise<LabHarness> {
  const home = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-home-'));
  const env = { KUBECONFIG: kubeconfig, K8S_SEC_LAB_HOME: home, K8S_SEC_LAB_CATALOGUE: fixtureCatalogue };
  return {
    home,
    run: (args, options = {}) => runCliForTest(args, { env, ...options }),
    progress: async () => JSON.parse(await readFile(join(home, 'progress.json'), 'utf8')),
  };
}

export async function clientFor(kubeconfig: string): Promise<KubeClient> {
  return new KubeClient(await loadKubeAccess({ kubeconfig }), labClientIdentity);
}

/**
 * Audit events the lab itself sent (by its user agent) that change state.
 * SubjectAccessReviews and server-side dry runs are `create` requests that
 * store nothing, so they do not count.
 */
export async function labWritesInAuditLog(auditLog: string, since: Date): Promise<string[]> {
  const writes = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
  const lines = (await readFile(auditLog, 'utf8')).trim().split('\n');
  return lines
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((event) => event.userAgent?.startsWith('k8s-sec-lab/') && new Date(event.requestReceivedTimestamp) >= since)
    .filter((event) => writes.has(event.verb) && event.objectRef?.resource !== 'subjectaccessreviews' && !event.requestURI.includes('dryRun=All'))
    .map((event) => `${event.verb} ${event.requestURI}`);
}

interface AuditEvent {
  verb: string;
  userAgent?: string;
  requestURI: string;
  requestReceivedTimestamp: string;
  objectRef?: { resource?: string };
}
