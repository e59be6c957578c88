import { useEffect } from 'react';
import type { LabServices } from '../../state/services.js';
import { openScenarioOf, type LabStore } from '../../state/store.js';
import type { LabState } from '../../state/store.js';

export const recheckDebounceMs = 300;
export const recheckIntervalMs = 10_000;

/** The scenario whose checks should follow the cluster: open, started, and the cluster is the lab's. */
export function watchedScenarioId(state: LabState): string | undefined {
  const scenario = openScenarioOf(state);
  if (!scenario || state.screen !== 'scenario' || state.cluster.state !== 'ready') return undefined;
  const started = state.runs[scenario.id]?.report !== undefined || state.progress.scenarios[scenario.id]?.startedAt !== undefined;
  return started ? scenario.id : undefined;
}

/**
 * Re-runs the checks while the learner works in another terminal: on every
 * change to what the checks read (API watch, debounced) and on a timer for
 * what a watch cannot see (runtime probes, local port-forwards). Stops when
 * the scenario is closed or the app quits, leaving no watch running.
 */
export function useScenarioWatch(store: LabStore, services: LabServices, scenarioId: string | undefined): void {
  useEffect(() => {
    const scenario = store.getState().catalogue?.scenarios.find((candidate) => candidate.id === scenarioId);
    if (!scenario) return undefined;
    let debounce: NodeJS.Timeout | undefined;
    let stopWatch: (() => void) | undefined;
    let closed = false;
    const recheck = () => void store.getState().check({ quiet: true });
    const onChange = () => {
      clearTimeout(debounce);
      debounce = setTimeout(recheck, recheckDebounceMs);
    };
    void services.watch(scenario, onChange).then(
      (stop) => (closed ? stop() : (stopWatch = stop)),
      () => undefined,
    );
    const timer = setInterval(recheck, recheckIntervalMs);
    return () => {
      closed = true;
      clearTimeout(debounce);
      clearInterval(timer);
      stopWatch?.();
    };
  }, [store, services, scenarioId]);
}
