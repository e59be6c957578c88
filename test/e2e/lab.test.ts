import { type ResultPromise, execa } from 'execa';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { defaultCatalogueRoot, loadCatalogue } from '../../src/catalogue/load.js';
import { replayAttack } from '../../src/lifecycle/replay.js';
import { freshLabEnv } from '../helpers/lab-home.js';
import { kindFixes } from './fixes.js';
import { egressDrops } from './setup/egress.js';
import { TmuxSession } from '../integration/tui/tmux.js';
import { cliPath, labCli, shell, type KindLab } from './setup/kind-lab.js';

interface CheckJson {
  scenario: string;
  status: string;
  checks: { id: string; status: string; message: string }[];
  requests: number;
  durationMs: number;
}

const provided = inject('kind');
const catalogue = await loadCatalogue(defaultCatalogueRoot({}), freshLabEnv());
// K8S_SEC_LAB_E2E_SCENARIOS=a,b replays only those (a developer's loop); the whole catalogue by default.
const only = process.env.K8S_SEC_LAB_E2E_SCENARIOS?.split(',').filter(Boolean);
const scenarios = catalogue.scenarios.filter((scenario) => !only || only.includes(scenario.id));
/** Kinds whose verdict needs the real cluster: on the test plane they are `skipped`. */
const liveKinds = new Set(['runtime-probe', 'local-probe']);
const flagPattern = /K8SLAB\{[^}\s]+\}/;
const timings: Record<string, Record<string, string>> = {};
const note = (scenario: string, key: string, value: string) => {
  (timings[scenario] ??= {})[key] = value;
};

describe.skipIf(!('lab' in provided))('the lab on a real kind cluster', () => {
  const { lab, up } = provided as Extract<typeof provided, { lab: KindLab }>;
  const cli = (args: string[], input?: string) => labCli(lab, args, input === undefined ? {} : { input });

  /** `check --json`, repeated until `accept` holds (a learner re-runs check while kubelet syncs a ConfigMap or a rollout ends). */
  async function checkUntil(id: string, accept: (report: CheckJson) => boolean, timeoutMs = 150_000): Promise<CheckJson> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await cli(['check', id, '--json']);
      if (result.exitCode === 2 && !result.stdout.trim()) throw new Error(`check ${id} could not run:\n${result.all}`);
      const report = JSON.parse(result.stdout) as CheckJson;
      if (accept(report) || Date.now() > deadline) return report;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  }
  const describeReport = (report: CheckJson) => report.checks.map((check) => `${check.id}=${check.status}: ${check.message}`).join('\n');
  const run = async (command: string) => {
    const result = await shell(lab, command);
    expect(result.exitCode, `${command}\n${result.all}`).toBe(0);
  };
  const reset = async (id: string) => {
    const result = await cli(['reset', id, '--yes']);
    expect(result.exitCode, result.all).toBe(0);
  };

  /** Replays every step of the scenario's attack; resolves to each revealed flag's value, by flag id. */
  const replayed = async (scenario: (typeof catalogue.scenarios)[number]): Promise<Map<string, string>> => {
    const replay = await replayAttack({ kubeconfig: lab.kubeconfig }, scenario, { needs: ['api', 'runtime'], env: lab.env, timeoutMs: 120_000 });
    const steps = replay.steps.map((step) => `$ ${step.run}\nexit ${step.exitCode}${step.timedOut ? ' (timed out)' : ''}: ${step.problems.join('; ')}\n${step.stdout}${step.stderr}`).join('\n');
    expect(replay.ok, steps).toBe(true);
    const values = new Map<string, string>();
    for (const step of replay.steps) {
      const value = step.flag?.revealed ? flagPattern.exec(step.stdout)?.[0] : undefined;
      if (step.flag && value) values.set(step.flag.id, value);
    }
    expect([...values.keys()].sort(), steps).toEqual(scenario.flags.map((flag) => flag.id).sort());
    return values;
  };
  /** `submit` with the flag on stdin, as the briefing suggests (it never sits in shell history). */
  const submit = async (id: string, value: string) => (await cli(['submit', id], `${value}\n`)).exitCode;

  let background: ResultPromise | undefined;
  const startBackground = (command: string | undefined) => {
    if (command) background = execa('sh', ['-c', `exec ${command}`], { env: lab.env, extendEnv: false, reject: false });
  };
  const stopBackground = async () => {
    background?.kill();
    await background;
    background = undefined;
  };

  afterAll(async () => {
    await stopBackground();
    process.stderr.write(`[e2e] timings: ${JSON.stringify({ up: `${Math.round(up.ms / 1000)} s`, ...timings }, null, 2)}\n`);
  });

  it('came up with one `k8s-sec-lab up`, NetworkPolicy enforced', () => {
    expect(up.output).toContain('NetworkPolicy enforced: true');
    note('up', 'summary', up.output.trim().split('\n').at(-1) ?? '');
  });

  for (const scenario of scenarios) {
    const fixes = kindFixes[scenario.id];
    const live = scenario.checks.filter((check) => liveKinds.has(check.kind)).map((check) => check.id);

    describe(scenario.id, () => {
      it('has fixes to replay on kind: at least 2 wrong, 1 alternative', () => {
        expect(fixes, `add ${scenario.id} to test/e2e/fixes.ts`).toBeDefined();
        expect(fixes?.wrong.length).toBeGreaterThanOrEqual(2);
      });

      it('starts, and every check runs: the fix checks fail, nothing is skipped', async () => {
        const started = Date.now();
        const result = await cli(['start', scenario.id, '--yes']);
        expect(result.exitCode, result.all).toBe(0);
        note(scenario.id, 'start to ready', `${((Date.now() - started) / 1000).toFixed(1)} s`);
        const report = await checkUntil(scenario.id, (r) => r.checks.every((check) => check.status !== 'skipped' && check.status !== 'error'), 60_000);
        expect(report.status, describeReport(report)).toBe('fail');
        expect(report.checks.filter((check) => check.status === 'skipped' || check.status === 'error'), describeReport(report)).toEqual([]);
        note(scenario.id, 'vulnerable', report.checks.filter((check) => live.includes(check.id)).map((check) => `${check.id}=${check.status}`).join(', '));
      });

      it("replays the briefing's attack: every step works, each flag is revealed, submit takes it; after reset the old flag is refused", async () => {
        if (!scenario.attack?.replay.length) return;
        const first = await replayed(scenario);
        for (const [flag, value] of first) expect(await submit(scenario.id, value), `${flag} from the attack`).toBe(0);
        await reset(scenario.id);
        const second = await replayed(scenario);
        for (const [flag, value] of first) {
          expect(await submit(scenario.id, value), `${flag}: the value before reset`).toBe(1);
          expect(second.get(flag), `${flag}: reset plants a fresh value`).not.toBe(value);
          expect(await submit(scenario.id, second.get(flag) ?? ''), `${flag} after reset`).toBe(0);
        }
      });

      for (const fix of fixes?.wrong ?? []) {
        it(`fails a wrong fix: ${fix.name}`, async () => {
          await reset(scenario.id);
          await run(fix.run);
          const failing = fix.failing ?? [];
          const report = await checkUntil(scenario.id, (r) => failing.every((id) => r.checks.some((check) => check.id === id && check.status === 'fail')));
          expect(report.status, describeReport(report)).toBe('fail');
          for (const id of failing) expect(report.checks.find((check) => check.id === id)?.status, describeReport(report)).toBe('fail');
        });
      }

      if (fixes) {
        it(`passes a correct fix written differently: ${fixes.alternative.name}`, async () => {
          await reset(scenario.id);
          await run(fixes.alternative.run);
          startBackground(fixes.background);
          try {
            const report = await checkUntil(scenario.id, (r) => r.status === 'pass');
            expect(report.status, describeReport(report)).toBe('pass');
          } finally {
            await stopBackground();
          }
        });
      }

      it('passes after solve, with every runtime and local probe run', async () => {
        await reset(scenario.id);
        const solved = await cli(['solve', scenario.id, '--yes']);
        expect(solved.exitCode, solved.all).toBe(0);
        startBackground(fixes?.background);
        try {
          const report = await checkUntil(scenario.id, (r) => r.status === 'pass');
          expect(report.status, describeReport(report)).toBe('pass');
          for (const id of live) expect(report.checks.find((check) => check.id === id)?.status, describeReport(report)).toBe('pass');
          note(scenario.id, 'solved', live.map((id) => `${id}=pass`).join(', '));
          note(scenario.id, 'check (runtime probes included)', `${report.durationMs} ms, ${report.requests} requests`);
        } finally {
          await stopBackground();
        }
      });

      it('fails again after reset', async () => {
        await reset(scenario.id);
        const report = await checkUntil(scenario.id, (r) => r.status === 'fail', 60_000);
        expect(report.status, describeReport(report)).toBe('fail');
      });
    });
  }

  it('the TUI in a real terminal turns green when a fix is applied from outside, its runtime probes run', async () => {
    const scenario = catalogue.scenarios.find((candidate) => candidate.id === 'privileged-pod');
    if (!scenario) throw new Error('privileged-pod is not in the catalogue');
    await reset(scenario.id);
    const tmux = await TmuxSession.start(`k8s-sec-lab-e2e-tui-${process.pid}`, `node ${cliPath}; echo EXITED=$?; sleep 600`, {
      columns: 180,
      rows: 50,
      env: { ...lab.env, TERM: 'xterm-256color' },
    });
    try {
      await tmux.waitFor('lab cluster ready', 60_000);
      await tmux.waitFor(/▸ .*privileged-pod/);
      await tmux.keys('Enter');
      await tmux.waitFor('Briefing');
      await tmux.keys('s');
      await tmux.waitFor(/last checked[\s\S]*✗ /, 120_000);
      // The learner fixes it from another terminal.
      const solved = await cli(['solve', scenario.id, '--yes']);
      expect(solved.exitCode, solved.all).toBe(0);
      const green = await tmux.waitFor('✓ Passed', 240_000);
      for (const check of scenario.checks.filter((candidate) => liveKinds.has(candidate.kind))) {
        const row = green.screen.split('\n').find((line) => line.includes(check.title.slice(0, 40)));
        expect(row, green.screen).toMatch(/✓/);
      }
      await tmux.keys('q');
      await tmux.waitFor('EXITED=0');
    } finally {
      await tmux.kill();
    }
  });

  it('doctor: every check green (the host\'s own cgroup v1 may warn), NetworkPolicy enforced', async () => {
    const result = await cli(['doctor', '--json']);
    expect(result.exitCode, result.all).toBe(0);
    const { items } = JSON.parse(result.stdout) as { items: { id: string; status: string; detail: string }[] };
    expect(items.filter((item) => item.status !== 'ok' && !(item.id === 'cgroup' && item.status === 'warn')), result.stdout).toEqual([]);
    expect(items.find((item) => item.id === 'network-policy')?.detail).toMatch(/^enforced: /);
  });

  it('up again reuses the healthy cluster', async () => {
    const started = Date.now();
    const result = await cli(['up', '--node-image', lab.nodeImage, '--yes']);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/reus/i);
    note('up', 'again (reused)', `${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('no packet tried to leave the machine during the run (host egress guard)', async () => {
    expect(await egressDrops()).toBe(0);
  });
});
