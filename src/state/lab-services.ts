import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../catalogue/load.js';
import { defaultCatalogueRoot, loadCatalogue } from '../catalogue/load.js';
import { readMarker } from '../cluster/guard.js';
import { messageOf } from '../errors.js';
import { gradeAttempt } from '../grading/attempt.js';
import type { KubeClient } from '../kube/client.js';
import { KubeRequestError } from '../kube/errors.js';
import { resetScenario, solveScenario, startScenario } from '../lifecycle/scenario.js';
import { recordHint, recordSolution, recordStart } from '../progress/record.js';
import { ProgressStore, progressPath } from '../progress/store.js';
import type { ClusterStatus, LabServices } from './services.js';
import { watchTargets } from '../grading/kinds/registry.js';
import type { WatchTarget } from '../grading/watch.js';

export interface LabServicesOptions {
  kubeconfig?: string;
  context?: string;
  env: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}

/** The TUI's services, backed by the same modules the CLI commands use. */
export function createLabServices(options: LabServicesOptions): LabServices {
  const progressStore = new ProgressStore(progressPath(options.env), options.warn);
  const stops = new Set<() => void>();
  let client: Promise<KubeClient> | undefined;
  let shellDir: string | undefined;

  const connect = (): Promise<KubeClient> => {
    client ??= (async () => {
      const [{ loadKubeAccess }, { KubeClient }] = await Promise.all([import('../kube/config.js'), import('../kube/client.js')]);
      return new KubeClient(
        await loadKubeAccess({
          ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
          ...(options.context ? { context: options.context } : {}),
          env: options.env,
        }),
      );
    })();
    // A failed connection (no kubeconfig yet) is retried next time, e.g. after `up`.
    client.catch(() => (client = undefined));
    return client;
  };

  const withProgress = async (record: () => Promise<unknown>) => {
    await record();
    return progressStore.load();
  };

  return {
    loadCatalogue: () => loadCatalogue(defaultCatalogueRoot(options.env), options.env),
    loadProgress: () => progressStore.load(),

    async clusterStatus(): Promise<ClusterStatus> {
      let kube: KubeClient;
      try {
        kube = await connect();
      } catch (error) {
        return { state: 'no-kubeconfig', message: `${messageOf(error)}: press u to create the lab cluster` };
      }
      const where = { context: kube.context, server: kube.server };
      try {
        const marker = await readMarker(kube);
        if (!marker) {
          return { state: 'not-lab', ...where, message: `${kube.context} is not a lab cluster: press u to create one, or run k8s-sec-lab adopt` };
        }
        return { state: 'ready', ...where, networkPolicy: marker.networkPolicyEnforced };
      } catch (error) {
        const unreachable = error instanceof KubeRequestError && error.isUnreachable;
        return { state: 'unreachable', ...where, message: unreachable ? `cannot reach ${kube.server}: is the cluster running? (press d for the doctor)` : messageOf(error) };
      }
    },

    async start(scenario, log) {
      await startScenario(scenario, await connect(), log);
      return withProgress(() => recordStart(progressStore, scenario.id));
    },

    async reset(scenario, log) {
      await resetScenario(scenario, await connect(), log);
      return withProgress(() => recordStart(progressStore, scenario.id));
    },

    async solve(scenario, log) {
      await solveScenario(scenario, await connect(), log);
      return withProgress(() => recordSolution(progressStore, scenario.id));
    },

    async check(scenario) {
      const report = await gradeAttempt(progressStore, scenario, await connect());
      return { report, progress: await progressStore.load() };
    },

    async hint(scenario, checkId) {
      const revealed = await recordHint(progressStore, scenario.id, checkId);
      return { revealed, progress: await progressStore.load() };
    },

    async watch(scenario, onChange) {
      const kube = await connect();
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

    async provision(report) {
      const [{ runUp }, { kindUpDeps }, { selectEngine }, { labNodeCount }] = await Promise.all([
        import('../cluster/up.js'),
        import('../cluster/kind/lab-deps.js'),
        import('../cluster/kind/engine.js'),
        import('../cluster/kind/config.js'),
      ]);
      // The learner confirmed creating the cluster, which includes fetching the pinned, verified kind.
      // Deleting a broken cluster is another decision: the screen shows the failure and the log instead.
      const deps = kindUpDeps({ env: options.env, engine: selectEngine(undefined, options.env), confirmDownload: async () => true, decide: async () => false });
      try {
        const result = await runUp(deps, { mode: 'kind', expectedNodes: labNodeCount }, report);
        result.client.close();
        return { logPath: deps.logFile };
      } catch (error) {
        throw Object.assign(error instanceof Error ? error : new Error(String(error)), { logPath: deps.logFile });
      } finally {
        // The new cluster's context is the one to use from now on.
        void client?.then((kube) => kube.close(), () => undefined);
        client = undefined;
      }
    },

    async doctor() {
      const [{ runDoctor }, { selectEngine }] = await Promise.all([import('../cluster/doctor/run.js'), import('../cluster/kind/engine.js')]);
      return (await runDoctor({ env: options.env, engine: selectEngine(undefined, options.env) })).items;
    },

    async shellEnvironment(scenario: Scenario) {
      const env: NodeJS.ProcessEnv = { ...options.env, K8S_SEC_LAB_SCENARIO: scenario.id };
      let kube: KubeClient;
      try {
        kube = await connect();
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
      void client?.then((kube) => kube.close(), () => undefined);
      if (shellDir) rmSync(shellDir, { recursive: true, force: true });
    },
  };
}
