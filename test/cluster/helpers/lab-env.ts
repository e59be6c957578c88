import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeBin, type FakeBin, type FakePrograms } from './fake-bin.js';

export interface LabEnv {
  bin: FakeBin;
  home: string;
  /** An environment with only the substitutes on PATH and a private lab home, HOME, kubeconfig and cgroup root (v2 unless `cgroup: 1`). */
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function labEnv(programs: FakePrograms, extra: NodeJS.ProcessEnv = {}, host: { cgroup?: 1 | 2 } = {}): Promise<LabEnv> {
  const bin = await fakeBin(programs);
  const home = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-env-'));
  // The machine's own /sys/fs/cgroup would make the tests depend on the host they run on.
  const cgroup = join(home, 'sys-fs-cgroup');
  await mkdir(cgroup);
  if ((host.cgroup ?? 2) === 2) await writeFile(join(cgroup, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  return {
    bin,
    home,
    env: {
      PATH: bin.path,
      HOME: home,
      K8S_SEC_LAB_HOME: join(home, 'lab'),
      KUBECONFIG: join(home, 'kubeconfig'),
      KIND_EXPERIMENTAL_PROVIDER: '',
      K8S_SEC_LAB_CGROUP_ROOT: cgroup,
      // Nothing may be downloaded unless a test points this at its own server.
      K8S_SEC_LAB_KIND_DOWNLOAD_URL: 'http://127.0.0.1:9/unused',
      ...extra,
    },
    async cleanup() {
      await bin.cleanup();
      await rm(home, { recursive: true, force: true });
    },
  };
}
