import { useEffect } from 'react';
import { Box, useApp, useInput } from 'ink';
import { useStore } from 'zustand';
import type { LabServices } from '../state/services.js';
import type { Scenario as LoadedScenario } from '../catalogue/load.js';
import { labClusterName } from '../names.js';
import { openScenarioOf, type ConfirmAction, type LabStore } from '../state/store.js';
import { ConfirmBar } from './components/ConfirmBar.js';
import { Footer } from './components/Footer.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { StatusBar } from './components/StatusBar.js';
import { minimumSize, TooSmall } from './components/TooSmall.js';
import { useScenarioWatch, watchedScenarioId } from './hooks/use-scenario-watch.js';
import { handleInput } from './input.js';
import { bindings } from './keys.js';
import { Doctor } from './screens/Doctor.js';
import { Home } from './screens/Home.js';
import { Provision } from './screens/Provision.js';
import { Scenario } from './screens/Scenario.js';

const titles = { home: 'scenario list', scenario: 'scenario', provision: 'cluster creation', doctor: 'doctor' } as const;

/** The whole TUI: the status bar, the current screen, and the footer (or a question). */
export function App({ store, services, color }: { store: LabStore; services: LabServices; color: boolean }) {
  const state = useStore(store);
  const { exit } = useApp();
  useInput((input, key) => handleInput(store, input, key));
  useScenarioWatch(store, services, watchedScenarioId(state));
  useEffect(() => {
    if (state.quitRequested || state.shellRequested) exit();
  }, [state.quitRequested, state.shellRequested, exit]);

  const { columns, rows } = state.size;
  if (columns < minimumSize.columns || rows < minimumSize.rows) return <TooSmall columns={columns} rows={rows} />;

  const scenario = openScenarioOf(state);
  const statusHeight = state.cluster.state === 'ready' || state.cluster.state === 'checking' ? 1 : 2;
  // One row short of the terminal: ink ends each frame with a newline, and a frame as tall as the
  // screen would scroll it by a line and leave the next frame drawn one line off.
  const height = rows - 1;
  const bodyHeight = height - statusHeight - 1;
  const question = state.confirm ? confirmQuestion(state.confirm, scenario) : undefined;

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <StatusBar cluster={state.cluster} />
      <Box flexDirection="column" height={bodyHeight}>
        {state.helpOpen ? (
          <HelpOverlay title={titles[state.screen]} bindings={bindings[state.screen]} />
        ) : state.screen === 'scenario' && scenario ? (
          <Scenario state={state} scenario={scenario} height={bodyHeight} color={color} setScrollLimit={state.setScrollLimit} />
        ) : state.screen === 'provision' ? (
          <Provision state={state} />
        ) : state.screen === 'doctor' ? (
          <Doctor state={state} />
        ) : (
          <Home state={state} height={bodyHeight} />
        )}
      </Box>
      {question ? <ConfirmBar question={question} /> : <Footer bindings={bindings[state.screen]} />}
    </Box>
  );
}

function confirmQuestion(action: ConfirmAction, scenario: LoadedScenario | undefined): string {
  if (action === 'provision') return `Create the kind cluster ${labClusterName} (downloading the pinned, checksum-verified kind if needed)?`;
  if (action === 'reset') return `Reset ${scenario?.id}? This deletes namespace ${scenario?.namespaces.join(', ')} and everything you changed there.`;
  return `Apply the reference solution of ${scenario?.id}? It overwrites your own fix and counts as solved with the solution.`;
}
