import type { Key } from 'ink';
import type { LabStore } from '../state/store.js';
import { openScenarioOf } from '../state/store.js';

/**
 * Keys typed faster than ink reads them (or pasted) arrive as one string, such
 * as "k\r": handle them one character at a time, a carriage return as Enter.
 */
export function handleInput(store: LabStore, input: string, key: Key): void {
  if (input.length <= 1 || key.ctrl || key.meta || key.escape) return handleKey(store, input, key);
  for (const character of input) {
    const isReturn = character === '\r' || character === '\n';
    handleKey(store, isReturn ? '' : character, { ...key, return: isReturn });
  }
}

/**
 * Maps a key press to a store action for the current screen. Pure routing: no
 * rendering, so every binding is testable on a store.
 */
export function handleKey(store: LabStore, input: string, key: Key): void {
  const state = store.getState();
  if ((key.ctrl && input === 'c') || (input === 'q' && !state.filtering && !state.confirm && state.flagEntry === null)) return state.quit();

  if (state.confirm) {
    void state.answer(input === 'y' || input === 'Y');
    return;
  }
  if (state.helpOpen) {
    if (input === '?' || key.escape) state.toggleHelp();
    return;
  }
  if (state.filtering) return filterKey(store, input, key);
  if (state.flagEntry !== null) return flagKey(store, input, key);
  if (input === '?') return state.toggleHelp();

  switch (state.screen) {
    case 'home':
      return homeKey(store, input, key);
    case 'scenario':
      return scenarioKey(store, input, key);
    case 'provision':
    case 'doctor':
      if (key.escape) state.back();
  }
}

function homeKey(store: LabStore, input: string, key: Key): void {
  const state = store.getState();
  if (key.upArrow || input === 'k') state.moveCursor(-1);
  else if (key.downArrow || input === 'j') state.moveCursor(1);
  else if (key.return) state.openSelected();
  else if (input === '/') state.startFilter();
  else if (input === 'u') state.ask('provision');
  else if (input === 'd') void state.runDoctor();
  else if (key.escape && state.filter) state.endFilter(false);
}

function scenarioKey(store: LabStore, input: string, key: Key): void {
  const state = store.getState();
  const scenario = openScenarioOf(state);
  if (!scenario) return;
  const page = Math.max(1, state.size.rows - 12);
  if (key.escape) state.back();
  else if (input === 's') void state.start();
  else if (input === 'c') void state.check();
  else if (input === 'h') void state.hint();
  else if (input === 't') state.requestShell();
  else if (input === 'f') state.openFlagEntry();
  else if (input === 'r') state.ask('reset');
  else if (input === 'S') state.ask('solve');
  else if (key.upArrow || input === 'k') state.scrollBy(-1);
  else if (key.downArrow || input === 'j') state.scrollBy(1);
  else if (key.pageUp) state.scrollBy(-page);
  else if (key.pageDown || input === ' ') state.scrollBy(page);
}

function flagKey(store: LabStore, input: string, key: Key): void {
  const state = store.getState();
  const typed = state.flagEntry ?? '';
  if (key.escape) void state.endFlagEntry(false);
  else if (key.return) void state.endFlagEntry(true);
  else if (key.backspace || key.delete) state.typeFlag(typed.slice(0, -1));
  else if (input && !key.ctrl && !key.meta) state.typeFlag(typed + input);
}

function filterKey(store: LabStore, input: string, key: Key): void {
  const state = store.getState();
  if (key.escape) state.endFilter(false);
  else if (key.return) state.endFilter(true);
  else if (key.backspace || key.delete) state.typeFilter(state.filter.slice(0, -1));
  else if (key.upArrow) state.moveCursor(-1);
  else if (key.downArrow) state.moveCursor(1);
  else if (input && !key.ctrl && !key.meta) state.typeFilter(state.filter + input);
}
