import { beforeEach, describe, expect, it } from 'vitest';
import { createLabStore, type LabStore } from '../../src/state/store.js';
import { visibleScenarios } from '../../src/state/visible.js';
import { ScriptedServices } from './scripted-services.js';

let services: ScriptedServices;
let store: LabStore;

beforeEach(async () => {
  services = new ScriptedServices();
  store = createLabStore(services);
  await store.getState().init();
});

const state = () => store.getState();
const openFixable = () => {
  state().openSelected();
  expect(state().openId).toBe('fixable');
};

describe('the lab store', () => {
  it('loads the catalogue, progress and cluster status at init', () => {
    expect(state().catalogue?.scenarios.map((scenario) => scenario.id)).toEqual(['fixable', 'always-pass', 'wrong-refusal', 'missing-namespace']);
    expect(state().cluster.state).toBe('ready');
  });

  it('keeps the cursor inside the list', () => {
    state().moveCursor(-1);
    expect(state().cursor).toBe(0);
    state().moveCursor(10);
    expect(state().cursor).toBe(3);
  });

  it('filters by id, title or tag and resets the cursor', () => {
    state().moveCursor(2);
    state().startFilter();
    state().typeFilter('refus');
    expect(visibleScenarios(state()).map((scenario) => scenario.id)).toEqual(['wrong-refusal']);
    expect(state().cursor).toBe(0);
    state().endFilter(false);
    expect(visibleScenarios(state())).toHaveLength(4);
  });

  it('starts a scenario, then grades it', async () => {
    openFixable();
    await state().start();
    expect(services.calls).toEqual(['start fixable', 'check fixable']);
    const run = state().runs.fixable;
    expect(run?.report?.status).toBe('fail');
    expect(run?.log).toEqual(['applied 4 objects']);
    expect(run?.busy).toBeUndefined();
  });

  it('shows a failed operation in the run and stays usable', async () => {
    openFixable();
    services.failNext = 'cannot reach the API server';
    await state().start();
    expect(state().runs.fixable?.error).toBe('cannot reach the API server');
    await state().check();
    expect(state().runs.fixable?.error).toBeUndefined();
  });

  it('reveals hints for the first failing check, one rung at a time', async () => {
    openFixable();
    await state().check();
    await state().hint();
    await state().hint();
    expect(state().runs.fixable?.hint?.checkId).toBe('pods-restricted');
    expect(state().runs.fixable?.hint?.rungs.map((rung) => rung.rung)).toEqual(['nudge', 'concept']);
  });

  it('asks before reset and does nothing on no', async () => {
    openFixable();
    state().ask('reset');
    expect(state().confirm).toBe('reset');
    await state().answer(false);
    expect(state().confirm).toBeNull();
    expect(services.calls).not.toContain('reset fixable');
    state().ask('reset');
    await state().answer(true);
    expect(services.calls).toContain('reset fixable');
  });

  it('applies the solution without asking once the learner passed', async () => {
    openFixable();
    services.nextStatus = 'pass';
    await state().check();
    state().ask('solve');
    await expect.poll(() => services.calls.includes('solve fixable')).toBe(true);
    expect(state().confirm).toBeNull();
  });

  it('clears the hint once every check passes', async () => {
    openFixable();
    await state().check();
    await state().hint();
    services.nextStatus = 'pass';
    await state().check();
    expect(state().runs.fixable?.hint).toBeUndefined();
  });

  it('grades a scenario started earlier as soon as it is opened', async () => {
    services.progress.scenarios.fixable = { attempts: 1, hintsRevealed: {}, startedAt: '2026-01-01T00:00:00Z' };
    store = createLabStore(services);
    await state().init();
    openFixable();
    await expect.poll(() => state().runs.fixable?.report?.status).toBe('fail');
  });

  it('does not pile up quiet re-checks while an operation runs', async () => {
    openFixable();
    const starting = state().start();
    await state().check({ quiet: true });
    await starting;
    expect(services.calls.filter((call) => call === 'check fixable')).toHaveLength(1);
  });

  it('provisions step by step after confirmation and refreshes the cluster status', async () => {
    services.cluster = { state: 'no-kubeconfig', message: 'no kubeconfig' };
    store = createLabStore(services);
    await state().init();
    services.cluster = { state: 'ready', networkPolicy: 'true' };
    state().ask('provision');
    await state().answer(true);
    expect(state().screen).toBe('provision');
    expect(state().provision).toMatchObject({ running: false, logPath: '/tmp/kind.log' });
    expect(state().provision.events.map((event) => event.status)).toEqual(['start', 'done']);
    expect(state().cluster.state).toBe('ready');
  });

  it('goes back from help, then from a question, then to the list', () => {
    openFixable();
    state().toggleHelp();
    state().back();
    expect(state().helpOpen).toBe(false);
    expect(state().screen).toBe('scenario');
    state().back();
    expect(state().screen).toBe('home');
  });

  it('counts only the checks the learner asked for: watch and timer re-checks are not attempts', async () => {
    openFixable();
    await state().check({ quiet: true });
    await state().check();
    expect(services.calls.filter((call) => call.endsWith('fixable'))).toEqual(['regrade fixable', 'check fixable']);
  });

  it('spends no hint rung when a check cannot be judged, and says why', async () => {
    openFixable();
    services.nextStatus = 'error';
    await state().hint();
    expect(state().runs.fixable?.error).toContain('could not be judged');
    expect(state().runs.fixable?.hint).toBeUndefined();
    expect(services.progress.scenarios.fixable?.hintsRevealed ?? {}).toEqual({});
  });

  it('quitting while up runs stops kind first, then quits and keeps what was left behind for the terminal', async () => {
    let aborted = false;
    services.provision = (report, signal) =>
      new Promise((_resolve, reject) => {
        report({ step: 'cluster', status: 'start', elapsedMs: 0 });
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(Object.assign(new Error('interrupted: kind create cluster was stopped; a half-created k8s-sec-lab may remain'), { logFile: '/tmp/kind.log' }));
        });
      });
    const provisioning = state().runProvision();
    state().quit();
    expect(state().quitting).toBe(true);
    await provisioning;
    expect(aborted).toBe(true);
    expect(state().quitRequested).toBe(true);
    expect(state().exitMessage).toBe("interrupted: kind create cluster was stopped; a half-created k8s-sec-lab may remain (kind's output: /tmp/kind.log)");
  });

  it('shows a failed shell hand-off on the scenario instead of swallowing it', () => {
    openFixable();
    state().requestShell();
    state().shellDone('could not start your shell /no/such/shell (spawnSync /no/such/shell ENOENT)');
    expect(state().shellRequested).toBe(false);
    expect(state().runs.fixable?.error).toContain('could not start your shell /no/such/shell');
  });
});
