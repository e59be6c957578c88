import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { execa } from 'execa';
import type { ApiTarget } from '../../../tools/testplane/api.js';
import type { Identities } from '../../../tools/testplane/identities.js';
import type { PlaneState } from '../../../tools/testplane/plane.js';

const provided = inject('plane');

/** The running plane, or undefined when integration tests are skipped. */
export const plane: PlaneState | undefined = 'state' in provided ? provided.state : undefined;

/** `describe` that skips (with the global reason already printed) when there is no plane. */
export const describeWithPlane = describe.skipIf(plane === undefined);

export function requirePlane(): PlaneState {
  if (!plane) throw new Error('the test control plane is not running');
  return plane;
}

/** Raw API access as one of the plane's identities, for asserting exact HTTP statuses. */
export function apiAs(identity: keyof Identities): ApiTarget {
  const state = requirePlane();
  return { server: state.server, ca: state.ca, token: state.identities[identity].token };
}

/** Runs the plane's own kubectl as the admin (or another kubeconfig). */
export function kubectl(args: string[], options: { kubeconfig?: string; input?: string; reject?: boolean } = {}) {
  const state = requirePlane();
  return execa(state.kubectl, args, {
    env: { KUBECONFIG: options.kubeconfig ?? state.kubeconfig },
    ...(options.input === undefined ? {} : { input: options.input }),
    reject: options.reject ?? true,
  });
}

/** The environment for commands a test runs as a learner would (an attack replay): the plane's kubectl first on PATH, a private HOME. */
export async function planeCommandEnv(): Promise<NodeJS.ProcessEnv> {
  return { PATH: [dirname(requirePlane().kubectl), process.env.PATH].filter(Boolean).join(delimiter), HOME: await mkdtemp(join(tmpdir(), 'k8s-sec-lab-cmd-home-')) };
}

/**
 * Gives the calling test file a namespace of its own (created before its
 * tests, deleted after), so files can run in parallel on one plane.
 */
export function useNamespace(prefix: string, labels: Record<string, string> = {}): { readonly name: string } {
  const handle = { name: `${prefix}-${randomBytes(3).toString('hex')}` };
  beforeAll(async () => {
    if (!plane) return;
    await kubectl(['create', 'namespace', handle.name]);
    const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    if (pairs.length > 0) await kubectl(['label', 'namespace', handle.name, ...pairs, '--overwrite']);
  });
  afterAll(async () => {
    if (!plane) return;
    await kubectl(['delete', 'namespace', handle.name, '--wait=false', '--ignore-not-found']);
  });
  return handle;
}
