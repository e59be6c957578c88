import { join } from 'node:path';
import envPaths from 'env-paths';

const appPaths = () => envPaths('k8s-sec-lab', { suffix: '' });

/** Downloads (the kind binary); $K8S_SEC_LAB_HOME/cache, else the platform's cache directory. */
export function labCacheDir(env: NodeJS.ProcessEnv): string {
  return env.K8S_SEC_LAB_HOME ? join(env.K8S_SEC_LAB_HOME, 'cache') : appPaths().cache;
}

/** Logs of kind and the container engine; $K8S_SEC_LAB_HOME/logs, else the platform's log directory. */
export function labLogDir(env: NodeJS.ProcessEnv): string {
  return env.K8S_SEC_LAB_HOME ? join(env.K8S_SEC_LAB_HOME, 'logs') : appPaths().log;
}
