import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KindCommandError } from '../../../src/cluster/kind/errors.js';
import { KindProvider } from '../../../src/cluster/kind/provider.js';
import { formatCommand } from '../../../src/cluster/provider.js';
import { CommandInterruptedError, execaRunner } from '../../../src/cluster/runner.js';
import { fakeBin, kindOutput, type FakeBin, type FakePrograms } from '../helpers/fake-bin.js';

const bins: FakeBin[] = [];
afterEach(async () => {
  for (const bin of bins.splice(0)) await bin.cleanup();
});

async function kindWith(programs: FakePrograms['kind'], options: { engine?: 'docker' | 'podman'; env?: NodeJS.ProcessEnv; source?: 'path' | 'cache'; engines?: FakePrograms } = {}) {
  const bin = await fakeBin({ kind: programs, ...options.engines });
  bins.push(bin);
  const logFile = join(bin.dir, 'kind.log');
  const provider = new KindProvider({
    kind: { path: join(bin.dir, 'kind'), version: 'v0.33.0', source: options.source ?? 'path' },
    engine: options.engine ?? 'docker',
    runner: execaRunner,
    env: { PATH: bin.path, ...options.env },
    platform: 'linux',
    logFile,
  });
  return { bin, provider, logFile };
}

describe('KindProvider against a substitute kind', () => {
  it('runs the exact kind commands', async () => {
    const { bin, provider } = await kindWith({ 'get kubeconfig': { stdout: 'apiVersion: v1\nkind: Config\n' } });
    await provider.create('k8s-sec-lab', { configFile: '/tmp/lab/kind-config.yaml' });
    await provider.list();
    expect(await provider.kubeconfig('k8s-sec-lab')).toBe('apiVersion: v1\nkind: Config');
    await provider.delete('k8s-sec-lab');
    expect((await bin.calls('kind')).map((call) => call.args)).toEqual([
      ['create', 'cluster', '--name', 'k8s-sec-lab', '--config', '/tmp/lab/kind-config.yaml'],
      ['get', 'clusters'],
      ['get', 'kubeconfig', '--name', 'k8s-sec-lab'],
      ['delete', 'cluster', '--name', 'k8s-sec-lab'],
    ]);
  });

  it('reads the node image of the control-plane container from the engine, and none when it cannot say', async () => {
    const { bin, provider } = await kindWith({}, { engines: { docker: { 'inspect --format': [{ stdout: 'local/kind-node:v1.36.3-0123\n' }, { stderr: 'Error: No such object: k8s-sec-lab-control-plane\n', exitCode: 1 }] } } });
    expect(await provider.nodeImage('k8s-sec-lab')).toBe('local/kind-node:v1.36.3-0123');
    expect(await provider.nodeImage('k8s-sec-lab')).toBeUndefined();
    expect((await bin.calls('docker'))[0]?.args).toEqual(['inspect', '--format', '{{.Config.Image}}', 'k8s-sec-lab-control-plane']);
  });

  it('loads an image with `kind load docker-image`, and names an image the engine lacks', async () => {
    const { bin, provider } = await kindWith({ 'load docker-image': [{}, { stderr: 'ERROR: image: "local/gone:1" not present locally\n', exitCode: 1 }] });
    await provider.loadImage('k8s-sec-lab', 'local/k8s-sec-lab-busybox:k1');
    await expect(provider.loadImage('k8s-sec-lab', 'local/gone:1')).rejects.toThrow('docker on this machine has no image local/gone:1, so `kind load docker-image local/gone:1 --name k8s-sec-lab` cannot load it');
    expect((await bin.calls('kind')).map((call) => call.args)).toEqual([
      ['load', 'docker-image', 'local/k8s-sec-lab-busybox:k1', '--name', 'k8s-sec-lab'],
      ['load', 'docker-image', 'local/gone:1', '--name', 'k8s-sec-lab'],
    ]);
  });

  it('lists the clusters kind prints, and none for "No kind clusters found." on stderr with exit 0', async () => {
    const some = await kindWith({ 'get clusters': { stdout: 'k8s-sec-lab\nother\n' } });
    expect(await some.provider.list()).toEqual(['k8s-sec-lab', 'other']);
    const none = await kindWith({ 'get clusters': { stderr: 'No kind clusters found.\n' } });
    expect(await none.provider.list()).toEqual([]);
  });

  it('selects the podman backend with KIND_EXPERIMENTAL_PROVIDER=podman, and prints it in the command', async () => {
    const { bin, provider } = await kindWith({}, { engine: 'podman' });
    await provider.list();
    expect(await bin.calls('kind')).toEqual([{ provider: 'podman', args: ['get', 'clusters'] }]);
    expect(formatCommand(provider.command(['get', 'clusters']))).toBe('KIND_EXPERIMENTAL_PROVIDER=podman kind get clusters');
  });

  it('overrides a podman setting in the environment when docker is asked for', async () => {
    const { bin, provider } = await kindWith({}, { engine: 'docker', env: { KIND_EXPERIMENTAL_PROVIDER: 'podman' } });
    await provider.list();
    expect((await bin.calls('kind'))[0]?.provider).toBe('docker');
  });

  it('prints a downloaded kind by its full path, quoting what a shell would split', async () => {
    const { bin, provider } = await kindWith({}, { source: 'cache' });
    expect(formatCommand(provider.command(['create', 'cluster', '--config', '/tmp/my lab/kind.yaml']))).toBe(
      `${join(bin.dir, 'kind')} create cluster --config '/tmp/my lab/kind.yaml'`,
    );
  });

  it('turns kind\'s "Cannot connect to the Docker daemon" into one paragraph with the fix', async () => {
    const { provider } = await kindWith({ 'create cluster': { stderr: await kindOutput('create-docker-down.txt'), exitCode: 1 } });
    const error = await provider.create('k8s-sec-lab', { configFile: '/tmp/c.yaml' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KindCommandError);
    expect(error).toMatchObject({
      reason: 'engine-unavailable',
      message:
        '`kind create cluster --name k8s-sec-lab --config /tmp/c.yaml` failed: Docker is not running ' +
        '(Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)',
      fix: expect.stringContaining('`sudo systemctl start docker`'),
    });
    expect((error as Error).message).not.toContain('\n');
  });

  it('recognises the daemon error inside the JSON that newer Docker CLIs print', async () => {
    const { provider } = await kindWith({ 'create cluster': { stderr: await kindOutput('create-docker-down-json.txt'), exitCode: 1 } });
    await expect(provider.create('k8s-sec-lab', { configFile: '/tmp/c.yaml' })).rejects.toMatchObject({
      reason: 'engine-unavailable',
      message: expect.stringMatching(/Docker is not running \(Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker.sock\. Is the docker daemon running\?\)$/),
    });
  });

  it('reports a create that fails midway as retryable, with kind\'s reason and the log file', async () => {
    const { provider, logFile } = await kindWith({ 'create cluster': { stderr: await kindOutput('create-kubeadm-failed.txt'), exitCode: 1 } });
    const error = (await provider.create('k8s-sec-lab', { configFile: '/tmp/c.yaml' }).catch((caught: unknown) => caught)) as KindCommandError;
    expect(error.reason).toBe('failed');
    expect(error.message).toBe(
      '`kind create cluster --name k8s-sec-lab --config /tmp/c.yaml` failed: failed to create cluster: failed to init node with kubeadm: ' +
        'command "docker exec --privileged k8s-sec-lab-control-plane kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6" failed with error: exit status 1',
    );
    expect(error.fix).toBe(`kind's full output is in ${logFile}`);
    expect(await readFile(logFile, 'utf8')).toContain('✗ Starting control-plane');
  });

  it('names the busy port when a host port is already taken', async () => {
    const { provider } = await kindWith({ 'create cluster': { stderr: await kindOutput('create-port-allocated.txt'), exitCode: 1 } });
    await expect(provider.create('k8s-sec-lab', { configFile: '/tmp/c.yaml' })).rejects.toMatchObject({
      reason: 'port-in-use',
      message: expect.stringContaining('port 127.0.0.1:30080 on this machine is already in use'),
      fix: expect.stringContaining('lsof -nP -iTCP:30080 -sTCP:LISTEN'),
    });
  });

  it('kills kind when the create is interrupted', async () => {
    const { bin, provider } = await kindWith({ 'create cluster': { stdout: 'Creating cluster "k8s-sec-lab" ...\n', sleepSeconds: 30 } });
    const controller = new AbortController();
    const creating = provider.create('k8s-sec-lab', { configFile: '/tmp/c.yaml', signal: controller.signal });
    await expect.poll(() => bin.sleepingPid('kind')).toBeDefined();
    const pid = (await bin.sleepingPid('kind'))!;
    controller.abort();
    await expect(creating).rejects.toBeInstanceOf(CommandInterruptedError);
    expect(isAlive(pid)).toBe(false);
  });

  it('says when kind itself is gone', async () => {
    const { provider, bin } = await kindWith({});
    await rm(join(bin.dir, 'kind'));
    await expect(provider.list()).rejects.toThrow(/kind was not found/);
  });
});

describe('KindProvider.isAvailable', () => {
  it('is available when `docker info` answers, and names versions', async () => {
    const bin = await fakeBin({ kind: {}, docker: { 'info --format': { stdout: '{"ServerVersion":"28.1.1","ServerErrors":[]}\n' } } });
    bins.push(bin);
    const provider = new KindProvider({ kind: { path: join(bin.dir, 'kind'), version: 'v0.33.0', source: 'path' }, engine: 'docker', runner: execaRunner, env: { PATH: bin.path }, platform: 'linux' });
    expect(await provider.isAvailable()).toEqual({ available: true, detail: 'kind v0.33.0 on docker 28.1.1' });
  });

  it('explains a stopped Docker Desktop on macOS', async () => {
    const bin = await fakeBin({ kind: {}, docker: { 'info --format': { stderr: await kindOutput('docker-info-down.txt'), exitCode: 1 } } });
    bins.push(bin);
    const provider = new KindProvider({ kind: { path: join(bin.dir, 'kind'), version: 'v0.33.0', source: 'path' }, engine: 'docker', runner: execaRunner, env: { PATH: bin.path }, platform: 'darwin' });
    const availability = await provider.isAvailable();
    expect(availability.available).toBe(false);
    expect(availability.available ? undefined : availability.error).toMatchObject({
      message: 'Docker is not running (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)',
      fix: expect.stringContaining('start Docker Desktop (`open -a Docker`)'),
    });
  });

  it('says how to install a missing engine', async () => {
    const bin = await fakeBin({ kind: {} });
    bins.push(bin);
    const provider = new KindProvider({ kind: { path: join(bin.dir, 'kind'), version: 'v0.33.0', source: 'path' }, engine: 'podman', runner: execaRunner, env: { PATH: bin.dir }, platform: 'darwin' });
    const availability = await provider.isAvailable();
    expect(availability.available ? undefined : availability.error).toMatchObject({
      message: 'podman is not installed (not on PATH)',
      fix: expect.stringContaining('brew install podman'),
    });
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
