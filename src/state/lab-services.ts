import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../catalogue/load.js';
import { watchTargets } from '../grading/kinds/registry.js';
import type { WatchTarget } from '../grading/watch.js';
import type { KubeClient } from '../kube/client.js';
import type { ClusterSelection } from '../lab/connect.js';
import { LabSession } from '../lab/session.js';
import type { LabServices } from './services.js';

export interface LabServicesOptions {
  selection: ClusterSelection;
  env: NodeJS.ProcessEnv;
  warn: (message: string) => void;
  /** The --image-map file, if given. */
  imageMap?: string;
}

/** The learner confirmed in the TUI's confirmation bar before the store calls a write. */
const confirmed = async () => true;

/** The TUI's services: the lab's use-case layer (LabSession), plus the watches and the shell the TUI needs. */
export function createLabServices(options: LabServicesOptions): LabServices {
  const session = new LabSession(options);
  const stops = new Set<() => void>();
  let shellDir: string | undefined;

  return {
    loadCatalogue: () => session.catalogue(),
    loadProgress: () => session.progress(),

    async clusterStatus() {
      const status = await session.clusterStatus();
      const next = { 'no-kubeconfig': 'press u to create the lab cluster', 'not-lab': 'press u to create one, or run k8s-sec-lab adopt', unreachable: 'press d for the doctor' } as const;
      return status.state in next ? { ...status, message: `${status.message}: ${next[status.state as keyof typeof next]}` } : status;
    },

    start: (scenario, log) => session.start(scenario, { confirm: confirmed, log }),
    reset: (scenario, log) => session.reset(scenario, { confirm: confirmed, log }),
    solve: (scenario, log) => session.solve(scenario, { confirm: confirmed, log }),

    async check(scenario, { attempt }) {
      const report = attempt ? await session.check(scenario) : await session.regrade(scenario);
      return { report, progress: await session.progress() };
    },

    async hint(scenario) {
      const revealed = await session.hint(scenario);
      return { ...revealed, progress: await session.progress() };
    },

    async submit(scenario, value) {
      const outcome = await session.submit(scenario, value);
      return { ...outcome, progress: await session.progress() };
    },

    async watch(scenario, onChange) {
      const kube = await session.connect();
      const local = new Set<() => void>();
      // A watch ends at the server's timeout; start it again until stopped.
      const follow = async (target: WatchTarget) => {
        const stop = await kube.watch(target, target.namespace, onChange, () => {
          local.delete(stop);
          if (stops.has(stopAll)) setTimeout(() => void follow(target).catch(() => undefined), 1_000);
        });
        local.add(stop);
      };
      const stopAll = () => {
        stops.delete(stopAll);
        for (const stop of local) stop();
        local.clear();
      };
      stops.add(stopAll);
      await Promise.all(watchTargets(scenario.checks).map((target) => follow(target)));
      return stopAll;
    },

    async provision(report, signal) {
      const { bringUp } = await import('../lab/cluster.js');
      // The learner confirmed creating the cluster, which includes fetching the pinned, verified kind.
      // Deleting a broken cluster is another decision: the screen shows the failure and the log instead.
      const result = await bringUp(session, { confirmDownload: confirmed, confirm: async () => false, report, signal });
      result.client.close();
      return { logPath: result.logFile };
    },

    async doctor() {
      const { examine } = await import('../lab/cluster.js');
      return (await examine(session)).items;
    },

    async shellEnvironment(scenario: Scenario) {
      const env: NodeJS.ProcessEnv = { ...options.env, K8S_SEC_LAB_SCENARIO: scenario.id };
      let kube: KubeClient;
      try {
        kube = await session.connect();
      } catch {
        return env;
      }
      // A private copy of the kubeconfig whose context defaults to the scenario's namespace.
      const { kubeconfigWithNamespace } = await import('../kube/config.js');
      shellDir ??= mkdtempSync(join(tmpdir(), 'k8s-sec-lab-shell-'));
      const file = join(shellDir, 'kubeconfig');
      writeFileSync(file, await kubeconfigWithNamespace(kube.access, scenario.namespaces[0] ?? 'default'), { mode: 0o600 });
      return { ...env, KUBECONFIG: file };
    },

    close() {
      for (const stop of [...stops]) stop();
      session.close();
      if (shellDir) rmSync(shellDir, { recursive: true, force: true });
    },
  };
}
