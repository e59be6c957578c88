import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogueRoot, findScenario, loadCatalogue } from '../../../src/catalogue/load.js';
import { freshLabEnv } from '../../helpers/lab-home.js';
import { markCluster } from '../../../src/cluster/guard.js';
import { findCachedBinaries } from '../../../tools/testplane/build.js';
import { down, up, type PlaneState } from '../../../tools/testplane/plane.js';
import { clientFor } from '../setup/lab.js';
import { plane as sharedPlane } from '../setup/plane.js';
import { TmuxSession } from './tmux.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const missionScenarios = ['privileged-pod', 'missing-networkpolicy', 'imds-escape', 'kubectl-proxy-vs-port-forward'];
const tmuxMissing = !(await TmuxSession.available());
if (tmuxMissing && process.env.CI === 'true') throw new Error('tmux is required for the real-terminal test under CI=true');
if (tmuxMissing) process.stderr.write('\n!!! SKIPPING the real-terminal TUI test: tmux is not installed (apt-get install tmux) !!!\n\n');

// The whole TUI in a real terminal, on a plane of its own (this test applies a scenario's solution).
describe.skipIf(sharedPlane === undefined || tmuxMissing)('the TUI in a real terminal', () => {
  let plane: PlaneState;
  let dir: string;
  let tmux: TmuxSession;
  const numbers: Record<string, string> = {};

  beforeAll(async () => {
    const binaries = await findCachedBinaries();
    if (!binaries) throw new Error('cached binaries expected while a plane runs');
    dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-tui-'));
    plane = await up(dir, binaries, () => {});
    const client = await clientFor(plane.kubeconfig);
    await markCluster(client, 'up');
    client.close();
  });

  afterAll(async () => {
    await tmux?.kill();
    await down(dir, () => {});
    await rm(dir, { recursive: true, force: true });
    process.stderr.write(`[tui] ${Object.entries(numbers).map(([key, value]) => `${key}: ${value}`).join(', ')}\n`);
  });

  it('starts a scenario, turns green when the solution is applied from outside, takes an attack flag, and quits cleanly', async () => {
    // The same harness timing a bare `node` program: what tmux, the shell and Node cost before any lab code.
    const baselineStarted = performance.now();
    const baseline = await TmuxSession.start(`k8s-sec-lab-baseline-${process.pid}`, `node -e "console.log('ready')"; sleep 600`, { columns: 100, rows: 30, env: {} });
    await baseline.waitFor('ready');
    numbers['node baseline'] = `${Math.round(performance.now() - baselineStarted)} ms`;
    await baseline.kill();

    const started = performance.now();
    // CI=true (as under .ci/run) must not stop the TUI from drawing on a real terminal.
    tmux = await TmuxSession.start(`k8s-sec-lab-tui-${process.pid}`, `CI=true node ${join(repo, 'dist/cli.js')}; echo EXITED=$?; sleep 600`, {
      columns: 100,
      rows: 30,
      env: { KUBECONFIG: plane.kubeconfig, K8S_SEC_LAB_HOME: dir, TERM: 'xterm-256color' },
    });

    await tmux.waitFor('k8s-sec-lab');
    numbers['first frame'] = `${Math.round(performance.now() - started)} ms`;
    const home = await tmux.waitFor('Workload hardening');
    numbers['catalogue shown'] = `${Math.round(performance.now() - started)} ms`;
    for (const id of missionScenarios) expect(home.screen).toContain(id);
    await tmux.waitFor('lab cluster ready');

    const keyStarted = performance.now();
    await tmux.keys('j');
    await tmux.waitFor(/▸ .*missing-networkpolicy/);
    numbers['keypress to frame'] = `${Math.round(performance.now() - keyStarted)} ms`;
    await tmux.keys('k', 'Enter');
    await tmux.waitFor('Briefing');
    await tmux.keys('s');
    const failing = await tmux.waitFor(/✗ /, 60_000);
    expect(failing.screen).toContain('last checked');

    const pid = Number(await tmux.paneValue('pane_pid'));
    numbers['resident memory'] = `${Math.round(residentKiB(childNode(pid)) / 1024)} MiB`;

    // The learner fixes it from another terminal: the reference solution, applied with kubectl.
    const scenario = findScenario(await loadCatalogue(defaultCatalogueRoot({}), freshLabEnv()), 'privileged-pod');
    const kubectl = (args: string[]) => execaKubectl(plane, args);
    const fixStarted = performance.now();
    for (const target of scenario.solution.delete) await kubectl(['delete', target.kind, target.name, ...(target.namespace ? ['-n', target.namespace] : []), '--ignore-not-found']);
    await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=k8s-sec-lab', '-f', join(scenario.dir, scenario.solution.manifests)]);
    await tmux.waitFor('✓ Passed', 30_000);
    numbers['fixing apply to green'] = `${Math.round(performance.now() - fixStarted)} ms`;

    // The attack half: kubectl-proxy-vs-port-forward (last in the list) plants a flag; submit it with f.
    await tmux.keys('Escape');
    await tmux.waitFor('Workload hardening');
    await tmux.keys('j', 'j', 'j', 'Enter');
    await tmux.waitFor('The proxy that exposes the whole API');
    await tmux.keys('s');
    await tmux.waitFor(/last checked[\s\S]*✗ /, 60_000);
    expect((await tmux.screen())).toContain('attack: 0 of 1 flags');
    const token = await kubectl(['-n', 'ops', 'get', 'secret', 'deploy-bot-token', '-o', 'jsonpath={.data.token}']);
    await tmux.keys('f');
    await tmux.waitFor('enter submits');
    await tmux.keys('-l', Buffer.from(token.stdout, 'base64').toString('utf8'));
    await tmux.keys('Enter');
    await tmux.waitFor('✓ attack: 1 of 1 flags');

    await tmux.keys('q');
    const exited = await tmux.waitFor('EXITED=0');
    expect(exited.screen).not.toContain('Briefing');
    expect(await tmux.paneValue('alternate_on')).toBe('0');
    expect(await tmux.paneValue('cursor_flag')).toBe('1');
    await expect.poll(() => childNode(pid), { timeout: 5_000 }).toBeUndefined();
  });
});

async function execaKubectl(plane: PlaneState, args: string[]) {
  const { execa } = await import('execa');
  return execa(plane.kubectl, args, { env: { KUBECONFIG: plane.kubeconfig } });
}

/** The node process the pane's shell started, if it is still running. */
function childNode(shellPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node');
  } catch {
    return undefined;
  }
}

function residentKiB(pid: number | undefined): number {
  if (!pid) return 0;
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}
