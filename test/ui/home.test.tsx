import { afterEach, describe, expect, it } from 'vitest';
import { keys, renderApp, type RenderedApp } from './render-app.js';

let app: RenderedApp;
afterEach(() => app.unmount());

describe('home screen', () => {
  it('lists the catalogue by track with the status bar and the selected summary', async () => {
    app = await renderApp();
    const frame = await app.waitFor('Fixture scenarios');
    expect(frame).toContain('k8s-sec-lab kind-k8s-sec-lab ● lab cluster ready · NetworkPolicy enforced');
    expect(frame).toMatch(/▸ {3}fixable +A fixable fixture/);
    expect(frame).toContain('A web app with every mistake the core can grade');
    expect(frame).toContain('enter open');
  });

  it('moves with arrows and j/k', async () => {
    app = await renderApp();
    await app.press(keys.down, 'j');
    expect(app.frame()).toMatch(/▸ {3}wrong-refusal/);
    await app.press('k');
    expect(app.frame()).toMatch(/▸ {3}always-pass/);
  });

  it('handles keys that arrive together, such as a fast "j" then Enter', async () => {
    app = await renderApp();
    await app.press(`j${keys.enter}`);
    expect(app.store.getState()).toMatchObject({ screen: 'scenario', openId: 'always-pass' });
  });

  it('filters as you type and clears with esc', async () => {
    app = await renderApp();
    await app.press('/', 'm', 'i', 's', 's');
    let frame = app.frame();
    expect(frame).toContain('/miss');
    expect(frame).toContain('missing-namespace');
    expect(frame).not.toContain('always-pass');
    await app.press(keys.escape);
    frame = app.frame();
    expect(frame).toContain('always-pass');
  });

  it('marks progress: done, solved with the solution, started', async () => {
    app = await renderApp();
    app.store.setState({
      progress: {
        version: 1,
        scenarios: {
          fixable: { attempts: 2, hintsRevealed: {}, startedAt: 'a', completedAt: 'b' },
          'always-pass': { attempts: 1, hintsRevealed: {}, startedAt: 'a', solutionAppliedAt: 'c' },
          'wrong-refusal': { attempts: 0, hintsRevealed: {}, startedAt: 'a' },
        },
      },
    });
    const frame = await app.waitFor('✓ fixable');
    expect(frame).toContain('◆ always-pass');
    expect(frame).toContain('• wrong-refusal');
  });

  it('says what is missing when there is no cluster, and still lets you browse', async () => {
    const { ScriptedServices } = await import('../state/scripted-services.js');
    const services = new ScriptedServices();
    services.cluster = { state: 'no-kubeconfig', message: 'no kubeconfig found: press u to create the lab cluster' };
    app = await renderApp({ services });
    const frame = await app.waitFor('no cluster');
    expect(frame).toContain('press u to create the lab cluster');
    await app.press(keys.enter);
    expect(await app.waitFor('The web app runs privileged')).toContain('Briefing');
  });

  it('shows the help overlay with every key of the screen', async () => {
    app = await renderApp();
    await app.press('?');
    const frame = await app.waitFor('Keys: scenario list');
    expect(frame).toContain('create (or reuse) the local kind lab cluster');
    await app.press('?');
    expect(app.frame()).not.toContain('Keys:');
  });

  it('asks before creating the cluster and shows the steps', async () => {
    app = await renderApp();
    await app.press('u');
    expect(await app.waitFor('Create the kind cluster k8s-sec-lab')).toContain('[y/N]');
    await app.press('y');
    const frame = await app.waitFor('The lab cluster is ready');
    expect(frame).toContain('cluster 42.0s');
    expect(frame).toContain('log: /tmp/kind.log');
  });

  it('runs the doctor and shows each fix', async () => {
    app = await renderApp();
    await app.press('d');
    const frame = await app.waitFor('Doctor');
    expect(frame).toContain('✗ Container engine: docker is not running');
    expect(frame).toContain('fix: sudo systemctl start docker');
  });

  it('says so when the terminal is smaller than 80x24', async () => {
    app = await renderApp({ size: { columns: 70, rows: 20 } });
    expect(app.frame()).toContain('needs a terminal of at least 80×24; this one is 70×20');
    app.store.getState().setSize(80, 24);
    expect(await app.waitFor('Fixture scenarios')).not.toContain('needs a terminal');
  });

  it.each([
    ['q', 'q'],
    ['Ctrl-C', keys.ctrlC],
  ])('quits on %s', async (_name, key) => {
    app = await renderApp();
    await app.press(key);
    expect(app.store.getState().quitRequested).toBe(true);
  });

  it('types q into the filter instead of quitting', async () => {
    app = await renderApp();
    await app.press('/', 'q');
    expect(app.store.getState()).toMatchObject({ quitRequested: false, filter: 'q' });
  });
});
