import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { LabError } from '../errors.js';

/** Which cluster a command talks to, resolved from flags, $KUBECONFIG and the kubeconfig. */
export interface KubeAccess {
  kubeConfig: KubeConfig;
  context: string;
  server: string;
  /** The kubeconfig files that were read, for messages. */
  files: string[];
}

export interface KubeAccessOptions {
  kubeconfig?: string;
  /** A kubeconfig as YAML text (e.g. from `kind get kubeconfig`), instead of files. */
  yaml?: string;
  context?: string;
  /** Used instead of the current context when the kubeconfig has it and no `context` is given. */
  preferredContext?: string;
  env?: NodeJS.ProcessEnv;
}

/** The kubeconfig files kubectl would read, in order. */
export function kubeconfigFiles(options: KubeAccessOptions): string[] {
  const env = options.env ?? process.env;
  if (options.kubeconfig) return [options.kubeconfig];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

/**
 * Loads the kubeconfig explicitly. Unlike client-node's loadFromDefault, a
 * missing kubeconfig or context is an error here, never a silent fallback to
 * http://localhost:8080. Without an explicit context, `preferredContext`
 * wins over the current context when the kubeconfig has it.
 */
export async function loadKubeAccess(options: KubeAccessOptions): Promise<KubeAccess> {
  if (options.yaml !== undefined) {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(options.yaml);
    return selectContext(kubeConfig, options, ['<kubeconfig text>']);
  }
  const files = kubeconfigFiles(options);
  if (options.kubeconfig && !existsSync(options.kubeconfig)) {
    throw new LabError(`kubeconfig ${options.kubeconfig} does not exist`, { fix: 'pass the path of an existing kubeconfig to --kubeconfig' });
  }
  const existing = files.filter((file) => existsSync(file));
  if (existing.length === 0) {
    throw new LabError(`no kubeconfig found (looked at ${files.join(', ')})`, {
      fix: 'run `k8s-sec-lab up` to create the lab cluster, or pass --kubeconfig <file>',
    });
  }

  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(existing[0]!);
    for (const file of existing.slice(1)) {
      const next = new KubeConfig();
      next.loadFromFile(file);
      kubeConfig.mergeConfig(next, true);
    }
  } catch (error) {
    throw new LabError(`cannot read kubeconfig ${existing.join(', ')}: ${error instanceof Error ? error.message : String(error)}`, {
      fix: 'check the file with `kubectl config view`',
    });
  }

  return selectContext(kubeConfig, options, existing);
}

function selectContext(kubeConfig: KubeConfig, options: KubeAccessOptions, existing: string[]): KubeAccess {
  const names = kubeConfig.getContexts().map((context) => context.name);
  const preferred = options.preferredContext && names.includes(options.preferredContext) ? options.preferredContext : undefined;
  const context = options.context ?? preferred ?? kubeConfig.getCurrentContext();
  if (!context) {
    throw new LabError(`${existing.join(', ')} has no current context`, {
      fix: names.length > 0 ? `pass --context (one of: ${names.join(', ')})` : 'run `k8s-sec-lab up` to create the lab cluster',
    });
  }
  if (!names.includes(context)) {
    throw new LabError(`context "${context}" is not in ${existing.join(', ')}`, {
      fix: names.length > 0 ? `pass --context with one of: ${names.join(', ')}` : 'run `k8s-sec-lab up` to create the lab cluster',
    });
  }
  kubeConfig.setCurrentContext(context);
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) {
    throw new LabError(`context "${context}" names a cluster without a server URL`, { fix: 'fix the cluster entry with `kubectl config set-cluster`' });
  }
  return { kubeConfig, context, server, files: existing };
}

/**
 * The kubeconfig of `access` with its context defaulting to `namespace`, as
 * text, for the learner's shell: kubectl there lands in the scenario.
 */
export async function kubeconfigWithNamespace(access: KubeAccess, namespace: string): Promise<string> {
  return kubeconfigText(access, namespace);
}

/** The kubeconfig of `access` as text, its context current (and defaulting to `namespace` when given), for a kubectl the lab runs. */
export async function kubeconfigText(access: KubeAccess, namespace?: string): Promise<string> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: access.kubeConfig.getClusters(),
    users: access.kubeConfig.getUsers(),
    contexts: access.kubeConfig.getContexts().map((context) => (context.name === access.context && namespace ? { ...context, namespace } : context)),
    currentContext: access.context,
  });
  return copy.exportConfig();
}

/**
 * The cluster of `access` with no credentials: its CA, TLS server name,
 * skip-verify and proxy settings, and no client certificate, token, basic
 * auth or exec plugin. A request sent with it is what the API server's
 * anonymous authenticator sees (curl with only the CA), not an impersonation.
 */
export async function anonymousKubeConfig(access: KubeAccess): Promise<KubeConfig> {
  const cluster = access.kubeConfig.getCurrentCluster();
  if (!cluster) throw new LabError(`context "${access.context}" names no cluster`, { fix: 'fix the context with `kubectl config set-context`' });
  const { KubeConfig } = await import('@kubernetes/client-node');
  const anonymous = new KubeConfig();
  anonymous.loadFromClusterAndUser(cluster, { name: 'k8s-sec-lab-anonymous' });
  return anonymous;
}
