import { afterEach, describe, expect, it } from 'vitest';
import { recheckDebounceMs } from '../../src/ui/hooks/use-scenario-watch.js';
import { keys, renderApp, type RenderedApp } from './render-app.js';

let app: RenderedApp;
afterEach(() => app.unmount());

async function openFixable(): Promise<void> {
  app = await renderApp();
  await app.press(keys.enter);
  await app.waitFor('A fixable fixture');
}

describe('scenario screen', () => {
  it('shows the briefing and an unchecked checklist before start', async () => {
    await openFixable();
    const frame = app.frame();
    expect(frame).toContain('checks (not checked yet: press s to start, c to check)');
    expect(frame).toContain('· The web pods meet Pod Security "restricted"');
    expect(frame).toContain('The web app runs privileged. Fix it.');
    expect(frame).toContain('s start');
  });

  it('starts, then shows the failing checklist with the reason for the first failure', async () => {
    await openFixable();
    await app.press('s');
    const frame = await app.waitFor('✗ The web pods meet Pod Security');
    expect(frame).toContain('pods-restricted is not fixed yet');
    expect(frame).toContain('✓ The web app still runs (keeps working)');
    expect(frame).toMatch(/last checked/);
  });

  it('reveals hints in rungs', async () => {
    await openFixable();
    await app.press('s');
    await app.waitFor('✗ The web pods');
    await app.press('h');
    let frame = await app.waitFor('(1 of 3)');
    expect(frame).toContain('nudge   Look at the securityContext.');
    await app.press('h', 'h');
    frame = await app.waitFor('(3 of 3)');
    expect(frame).toContain('command kubectl -n fx-app edit deployment web');
  });

  it('turns green on a cluster change without a key press, and shows the debrief', async () => {
    await openFixable();
    await app.press('s');
    await app.waitFor('✗ The web pods');
    await expect.poll(() => app.services.watchers).toBe(1);
    app.services.nextStatus = 'pass';
    app.services.clusterChanged();
    const frame = await app.waitFor('✓ Passed. Debrief', recheckDebounceMs + 2_000);
    expect(frame).toContain('✓ The web pods meet Pod Security "restricted"');
    expect(frame).toContain('Restricted pods, enforced admission');
  });

  it('asks before reset, naming what will be deleted', async () => {
    await openFixable();
    await app.press('r');
    expect(await app.waitFor('[y/N]')).toContain('Reset fixable? This deletes namespace fx-app');
    await app.press('n');
    expect(app.services.calls).not.toContain('reset fixable');
    expect(app.frame()).not.toContain('[y/N]');
  });

  it('stops watching when the learner goes back', async () => {
    await openFixable();
    await app.press('s');
    await expect.poll(() => app.services.watchers).toBe(1);
    await app.press(keys.escape);
    await app.waitFor('Fixture scenarios');
    expect(app.services.watchers).toBe(0);
  });

  it('stops watching when the app is unmounted', async () => {
    await openFixable();
    await app.press('s');
    await expect.poll(() => app.services.watchers).toBe(1);
    app.unmount();
    expect(app.services.watchers).toBe(0);
  });

  it('scrolls a long briefing and stops at its end', async () => {
    await openFixable();
    const { catalogue } = app.store.getState();
    const long = Array.from({ length: 60 }, (_, index) => `Paragraph number ${index + 1}.\n`).join('\n');
    app.store.setState({ catalogue: { ...catalogue!, scenarios: catalogue!.scenarios.map((s) => (s.id === 'fixable' ? { ...s, briefing: long } : s)) } });
    await app.waitFor('Paragraph number 1.');
    await app.press(keys.down, keys.down);
    expect(await app.waitFor('line 3 of')).not.toContain('Paragraph number 1.');
    await app.press(keys.pageDown, keys.pageDown, keys.pageDown, keys.pageDown, keys.pageDown, keys.pageDown);
    expect(await app.waitFor('Paragraph number 60.')).toBeTruthy();
    await app.press(keys.up);
    expect(app.frame()).not.toContain('Paragraph number 60.');
  });

  it('hands the terminal to a shell on t', async () => {
    await openFixable();
    await app.press('t');
    expect(app.store.getState().shellRequested).toBe(true);
  });

  it('takes an attack flag on f: a wrong one is a no, the right one turns the attack green', async () => {
    await openFixable();
    await app.press('s');
    await app.waitFor('attack: 0 of 1 flags');
    await app.press('f', 'K8SLAB{guess}', keys.enter);
    await app.waitFor('✗ No: that is not a flag of this run');
    await app.press('f');
    await app.waitFor('enter submits · esc cancels');
    // Typed (or pasted) in one go, corrected with backspace; q is part of the flag, not quit.
    await app.press('K8SLAB{scripted}q', keys.backspace);
    await app.waitFor('flag: K8SLAB{scripted}');
    await app.press(keys.enter);
    const frame = await app.waitFor('✓ attack: 1 of 1 flags');
    expect(frame).toContain('"The web app\'s token": 1 of 1 flags. Now fix it');
    expect(app.services.calls).toEqual(expect.arrayContaining(['submit fixable K8SLAB{guess}', 'submit fixable K8SLAB{scripted}']));
  });
});
