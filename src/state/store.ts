import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Catalogue, Scenario } from '../catalogue/load.js';
import { messageOf } from '../errors.js';
import type { GradeReport, HintRung } from '../grading/types.js';
import { emptyProgress, type Progress } from '../progress/store.js';
import type { ClusterStatus, DoctorItem, LabServices, ProvisionEvent } from './services.js';
import { visibleScenarios } from './visible.js';

export type Screen = 'home' | 'scenario' | 'provision' | 'doctor';
export type Busy = 'starting' | 'checking' | 'hinting' | 'resetting' | 'solving';
export type ConfirmAction = 'reset' | 'solve' | 'provision';

/** A scenario as this session knows it: the last grade, what is running, what the learner asked for. */
export interface ScenarioRun {
  busy?: Busy;
  report?: GradeReport;
  checkedAt?: number;
  log: string[];
  error?: string;
  hint?: { kind: 'attack' | 'fix'; checkId: string; title: string; rungs: { rung: HintRung; text: string }[] };
  /** What the last submitted flag got: right (and which) or wrong. */
  flagResult?: { correct: boolean; message: string };
}

export interface LabState {
  screen: Screen;
  helpOpen: boolean;
  confirm: ConfirmAction | null;
  catalogue: Catalogue | null;
  loadError: string | null;
  progress: Progress;
  cluster: ClusterStatus;
  cursor: number;
  filter: string;
  filtering: boolean;
  /** The attack flag being typed on the scenario screen, or null when no flag input is open. */
  flagEntry: string | null;
  openId: string | null;
  /** First briefing line shown, for scrolling, and the last line it may start at (set by the screen). */
  scroll: number;
  scrollLimit: number;
  runs: Record<string, ScenarioRun>;
  size: { columns: number; rows: number };
  provision: { running: boolean; events: ProvisionEvent[]; logPath?: string; error?: string };
  /** Printed after the TUI leaves the terminal, e.g. what an interrupted `up` left behind. */
  exitMessage?: string;
  doctor: { running: boolean; items?: DoctorItem[]; error?: string };
  /** Set when the UI should hand the terminal to the learner's shell, then come back. */
  shellRequested: boolean;
  /** Quit was asked while `up` runs: kind is being stopped first. */
  quitting: boolean;
  quitRequested: boolean;
}

export interface LabActions {
  init(): Promise<void>;
  setSize(columns: number, rows: number): void;
  moveCursor(delta: number): void;
  startFilter(): void;
  typeFilter(text: string): void;
  endFilter(keep: boolean): void;
  openSelected(): void;
  back(): void;
  toggleHelp(): void;
  scrollBy(lines: number): void;
  setScrollLimit(limit: number): void;
  start(): Promise<void>;
  check(options?: { quiet?: boolean }): Promise<void>;
  hint(): Promise<void>;
  ask(action: ConfirmAction): void;
  answer(yes: boolean): Promise<void>;
  runDoctor(): Promise<void>;
  runProvision(): Promise<void>;
  openFlagEntry(): void;
  typeFlag(text: string): void;
  /** Submits the typed flag (enter) or closes the input (esc). */
  endFlagEntry(submit: boolean): Promise<void>;
  requestShell(): void;
  /** The shell hand-off ended; `failure` says why the shell could not start or run. */
  shellDone(failure?: string): void;
  quit(): void;
}

export type LabStore = StoreApi<LabState & LabActions>;

const maxLogLines = 50;

/**
 * The single source of state for the TUI. Screens read it with selectors and
 * call its actions; actions talk to the outside world only through
 * LabServices, so every transition is testable without a terminal or cluster.
 */
export function createLabStore(services: LabServices, size = { columns: 80, rows: 24 }): LabStore {
  return createStore<LabState & LabActions>()((set, get) => {
    const openScenario = (): Scenario | undefined => openScenarioOf(get());
    const updateRun = (id: string, change: Partial<ScenarioRun>) =>
      set((state) => ({ runs: { ...state.runs, [id]: { ...(state.runs[id] ?? { log: [] }), ...change } } }));
    const appendLog = (id: string) => (line: string) =>
      set((state) => {
        const run = state.runs[id] ?? { log: [] };
        return { runs: { ...state.runs, [id]: { ...run, log: [...run.log, line].slice(-maxLogLines) } } };
      });

    /** Runs one long operation on the open scenario, one at a time, surfacing failures in the run. */
    const operate = async (busy: Busy, work: (scenario: Scenario) => Promise<void>) => {
      const scenario = openScenario();
      if (!scenario || get().runs[scenario.id]?.busy) return;
      updateRun(scenario.id, { busy, error: undefined });
      try {
        await work(scenario);
        updateRun(scenario.id, { busy: undefined });
      } catch (error) {
        updateRun(scenario.id, { busy: undefined, error: messageOf(error) });
      }
    };

    let provisioning: AbortController | undefined;

    const grade = async (scenario: Scenario, attempt = true) => {
      const { report, progress } = await services.check(scenario, { attempt });
      set({ progress });
      // A hint is for a failing check: once everything passes it only hides the debrief.
      updateRun(scenario.id, { report, checkedAt: Date.now(), ...(report.status === 'pass' ? { hint: undefined } : {}) });
    };

    return {
      screen: 'home',
      helpOpen: false,
      confirm: null,
      catalogue: null,
      loadError: null,
      progress: emptyProgress(),
      cluster: { state: 'checking' },
      cursor: 0,
      filter: '',
      filtering: false,
      flagEntry: null,
      openId: null,
      scroll: 0,
      scrollLimit: 0,
      runs: {},
      size,
      provision: { running: false, events: [] },
      doctor: { running: false },
      shellRequested: false,
      quitting: false,
      quitRequested: false,

      async init() {
        try {
          const [catalogue, progress] = await Promise.all([services.loadCatalogue(), services.loadProgress()]);
          set({ catalogue, progress });
        } catch (error) {
          set({ loadError: messageOf(error) });
        }
        set({ cluster: await services.clusterStatus() });
      },

      setSize(columns, rows) {
        set({ size: { columns, rows } });
      },

      moveCursor(delta) {
        const count = visibleScenarios(get()).length;
        if (count === 0) return;
        set({ cursor: Math.min(count - 1, Math.max(0, get().cursor + delta)) });
      },

      startFilter() {
        set({ filtering: true });
      },

      typeFilter(text) {
        set({ filter: text, cursor: 0 });
      },

      endFilter(keep) {
        set(keep ? { filtering: false } : { filtering: false, filter: '', cursor: 0 });
      },

      openSelected() {
        const scenario = visibleScenarios(get())[get().cursor];
        if (!scenario) return;
        set({ screen: 'scenario', openId: scenario.id, scroll: 0 });
        // A scenario started earlier (here or with the CLI) is graded right away.
        if (get().cluster.state === 'ready' && get().progress.scenarios[scenario.id]?.startedAt) void get().check({ quiet: true });
      },

      back() {
        if (get().helpOpen) return set({ helpOpen: false });
        if (get().confirm) return set({ confirm: null });
        set({ screen: 'home', openId: null });
      },

      toggleHelp() {
        set({ helpOpen: !get().helpOpen });
      },

      scrollBy(lines) {
        set({ scroll: Math.min(get().scrollLimit, Math.max(0, get().scroll + lines)) });
      },

      setScrollLimit(limit) {
        if (limit !== get().scrollLimit) set({ scrollLimit: limit, scroll: Math.min(get().scroll, limit) });
      },

      async start() {
        await operate('starting', async (scenario) => {
          set({ progress: await services.start(scenario, appendLog(scenario.id)) });
          await grade(scenario);
        });
      },

      async check(options = {}) {
        const scenario = openScenario();
        if (!scenario) return;
        // Timer and watch triggers must not pile up behind a slow grade or interrupt an operation,
        // and they are not attempts: status counts only the checks the learner asked for.
        if (options.quiet && get().runs[scenario.id]?.busy) return;
        await operate('checking', (open) => grade(open, !options.quiet));
      },

      async hint() {
        // Graded afresh, as `hint` does: a stale report could spend a rung on a check that passes by now.
        await operate('hinting', async (scenario) => {
          const { report, hint, progress } = await services.hint(scenario);
          set({ progress });
          updateRun(scenario.id, { report, checkedAt: Date.now(), hint: hint ? { kind: hint.kind, checkId: hint.checkId, title: hint.title, rungs: hint.rungs } : undefined });
        });
      },

      ask(action) {
        set({ confirm: action });
        // Once the learner passed on their own, the solution spoils nothing: no need to ask.
        const scenario = openScenario();
        if (action === 'solve' && scenario && get().runs[scenario.id]?.report?.status === 'pass') void get().answer(true);
      },

      async answer(yes) {
        const action = get().confirm;
        set({ confirm: null });
        if (!yes || !action) return;
        if (action === 'provision') return get().runProvision();
        await operate(action === 'reset' ? 'resetting' : 'solving', async (scenario) => {
          const log = appendLog(scenario.id);
          set({ progress: action === 'reset' ? await services.reset(scenario, log) : await services.solve(scenario, log) });
          updateRun(scenario.id, { hint: undefined });
          await grade(scenario);
        });
      },

      async runDoctor() {
        set({ screen: 'doctor', doctor: { running: true } });
        try {
          set({ doctor: { running: false, items: await services.doctor() } });
        } catch (error) {
          set({ doctor: { running: false, error: messageOf(error) } });
        }
      },

      async runProvision() {
        if (get().provision.running) return;
        set({ screen: 'provision', provision: { running: true, events: [] } });
        const report = (event: ProvisionEvent) => set((state) => ({ provision: { ...state.provision, events: [...state.provision.events, event] } }));
        provisioning = new AbortController();
        try {
          const { logPath } = await services.provision(report, provisioning.signal);
          set((state) => ({ provision: { ...state.provision, running: false, ...(logPath ? { logPath } : {}) } }));
        } catch (error) {
          const logPath = (error as { logFile?: string }).logFile;
          set((state) => ({ provision: { ...state.provision, running: false, error: messageOf(error), ...(logPath ? { logPath } : {}) } }));
        } finally {
          provisioning = undefined;
        }
        if (get().quitting) {
          // The learner quit while kind was running: say what it left behind once the terminal is back.
          const { error, logPath } = get().provision;
          set({ quitRequested: true, ...(error ? { exitMessage: `${error}${logPath ? ` (kind's output: ${logPath})` : ''}` } : {}) });
          return;
        }
        set({ cluster: await services.clusterStatus() });
      },

      openFlagEntry() {
        if (openScenario()?.flags.length) set({ flagEntry: '' });
      },

      typeFlag(text) {
        set({ flagEntry: text });
      },

      async endFlagEntry(submit) {
        const value = get().flagEntry?.trim() ?? '';
        set({ flagEntry: null });
        if (!submit || !value) return;
        const scenario = openScenario();
        if (!scenario) return;
        try {
          const { flag, captured, total, progress } = await services.submit(scenario, value);
          set({ progress });
          const message = flag ? `✓ "${flag.title}": ${captured} of ${total} flags. ${captured === total ? 'Now fix it so the attack stops.' : ''}`.trim() : '✗ No: that is not a flag of this run. Perform the attack from the briefing, or press h for a hint.';
          updateRun(scenario.id, { flagResult: { correct: flag !== undefined, message }, ...(flag ? { hint: undefined } : {}) });
        } catch (error) {
          updateRun(scenario.id, { error: messageOf(error) });
        }
      },

      requestShell() {
        if (openScenario()) set({ shellRequested: true });
      },

      shellDone(failure) {
        set({ shellRequested: false });
        const scenario = openScenario();
        if (failure && scenario) updateRun(scenario.id, { error: failure });
      },

      quit() {
        // Quitting while `up` runs stops kind first; runProvision then quits and reports what is left.
        if (provisioning) {
          set({ quitting: true });
          provisioning.abort();
          return;
        }
        set({ quitRequested: true });
      },
    };
  });
}

/** The scenario open on the scenario screen, if any. */
export function openScenarioOf(state: LabState): Scenario | undefined {
  return state.catalogue?.scenarios.find((scenario) => scenario.id === state.openId);
}
