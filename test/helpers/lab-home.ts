import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An environment of a lab that has never run: a fresh HOME and lab home (no
 * progress, no cached catalogue, no kubeconfig), and PATH for the system's
 * tools. Tests start from it instead of the developer's environment, whose
 * KUBECONFIG, K8S_SEC_LAB_* and caches would change what they see.
 */
export function freshLabEnv(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'k8s-sec-lab-test-home-'));
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    K8S_SEC_LAB_HOME: join(home, 'lab'),
    KUBECONFIG: join(home, '.kube', 'config'),
  };
}
