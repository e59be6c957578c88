import type { Screen } from '../state/store.js';

/** One key binding: what to press, a short footer label, and the help overlay's sentence. */
export interface Binding {
  keys: string;
  label: string;
  help: string;
}

const global: Binding[] = [
  { keys: '?', label: 'help', help: 'show or hide this help' },
  { keys: 'q', label: 'quit', help: 'quit (also Ctrl-C); the terminal is restored' },
];

/** Every key of every screen: the footer shows the labels, the help overlay the sentences. */
export const bindings: Record<Screen, Binding[]> = {
  home: [
    { keys: '↑↓ j k', label: 'move', help: 'move the selection' },
    { keys: 'enter', label: 'open', help: 'open the selected scenario' },
    { keys: '/', label: 'filter', help: 'filter by id, title, difficulty or tag (esc clears, enter keeps)' },
    { keys: 'u', label: 'create cluster', help: 'create (or reuse) the local kind lab cluster' },
    { keys: 'd', label: 'doctor', help: 'check this machine: Docker, kind, kubectl, memory, the cluster' },
    ...global,
  ],
  scenario: [
    { keys: 's', label: 'start', help: 'deploy the vulnerable setup (again: idempotent)' },
    { keys: 'c', label: 'check', help: 'grade now (checks also re-run on every cluster change)' },
    { keys: 'h', label: 'hint', help: 'reveal the next hint: for the attack until its flags are in, then for the first failing check' },
    { keys: 'f', label: 'flag', help: 'submit an attack flag you found (enter submits, esc cancels)' },
    { keys: 't', label: 'shell', help: 'open a shell with KUBECONFIG and the scenario namespace set; exit it to return' },
    { keys: 'r', label: 'reset', help: 'return to the vulnerable start (asks first)' },
    { keys: 'S', label: 'solution', help: 'apply the reference solution (asks first until you passed)' },
    { keys: '↑↓ pgup pgdn', label: 'scroll', help: 'scroll the briefing' },
    { keys: 'esc', label: 'back', help: 'back to the scenario list' },
    ...global,
  ],
  provision: [
    { keys: 'esc', label: 'back', help: 'back to the scenario list (creation goes on)' },
    ...global,
  ],
  doctor: [
    { keys: 'esc', label: 'back', help: 'back to the scenario list' },
    ...global,
  ],
};
