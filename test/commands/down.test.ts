import { afterEach, describe, expect, it } from 'vitest';
import { kindOutput, kindVersionResponse } from '../cluster/helpers/fake-bin.js';
import { labEnv, type LabEnv } from '../cluster/helpers/lab-env.js';
import { runCliForTest } from '../helpers/run-cli.js';

const envs: LabEnv[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.cleanup();
});

async function withClusters(clusters: string): Promise<LabEnv> {
  const env = await labEnv({ kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stdout: clusters } } });
  envs.push(env);
  return env;
}

const kindArgs = async (env: LabEnv) => (await env.bin.calls('kind')).map((call) => call.args);

describe('k8s-sec-lab down', () => {
  it('deletes the lab cluster, and only it, after --yes', async () => {
    const env = await withClusters('k8s-sec-lab\nmy-own-cluster\n');
    const result = await runCliForTest(['down', '--yes'], { env: env.env });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'deleted kind cluster k8s-sec-lab\n', stderr: '' });
    expect(await kindArgs(env)).toEqual([['version'], ['get', 'clusters'], ['delete', 'cluster', '--name', 'k8s-sec-lab']]);
  });

  it('refuses without --yes and without a terminal, deleting nothing', async () => {
    const env = await withClusters('k8s-sec-lab\n');
    const result = await runCliForTest(['down'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: Delete the kind cluster k8s-sec-lab (context kind-k8s-sec-lab) and everything in it?');
    expect(result.stderr).toContain('fix: rerun with --yes to confirm');
    expect((await kindArgs(env)).filter((args) => args[0] === 'delete')).toEqual([]);
  });

  it('asks on a terminal, and "n" keeps the cluster', async () => {
    const env = await withClusters('k8s-sec-lab\n');
    const result = await runCliForTest(['down'], { env: env.env, interactive: true, answers: ['n'] });
    // A declined confirmation exits as every declined confirmation does (up's questions too).
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('nothing was changed');
    expect((await kindArgs(env)).filter((args) => args[0] === 'delete')).toEqual([]);
  });

  it('has nothing to do when there is no lab cluster', async () => {
    const env = await withClusters('my-own-cluster\n');
    const result = await runCliForTest(['down', '--yes'], { env: env.env });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'there is no kind cluster named k8s-sec-lab: nothing to delete\n' });
    expect((await kindArgs(env)).filter((args) => args[0] === 'delete')).toEqual([]);
  });

  it('explains Docker being down from kind\'s own message', async () => {
    const env = await labEnv({ kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: await kindOutput('list-docker-down.txt'), exitCode: 1 } } });
    envs.push(env);
    const result = await runCliForTest(['down', '--yes'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'error: `kind get clusters` failed: Docker is not running (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)\n' +
        '  fix: start the Docker daemon with `sudo systemctl start docker` (Docker Desktop for Linux: start Docker Desktop), then check with `docker info`\n',
    );
  });

  it('explains a missing Docker and a denied Docker socket', async () => {
    const missing = await labEnv({ kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: await kindOutput('list-docker-missing.txt'), exitCode: 1 } } });
    const denied = await labEnv({ kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: await kindOutput('list-docker-permission.txt'), exitCode: 1 } } });
    envs.push(missing, denied);
    expect((await runCliForTest(['down', '--yes'], { env: missing.env })).stderr).toMatch(/error: `kind get clusters` failed: Docker is not installed \(exec: "docker": executable file not found in \$PATH\)\n {2}fix: install Docker Engine/);
    expect((await runCliForTest(['down', '--yes'], { env: denied.env })).stderr).toMatch(/error: `kind get clusters` failed: you may not use Docker: permission denied while trying to connect to the Docker daemon socket.*\n {2}fix: add yourself to the docker group with `sudo usermod -aG docker \$USER`/);
  });

  it('uses kind\'s podman backend for --provider podman and explains Podman being down', async () => {
    const env = await labEnv({ kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: await kindOutput('list-podman-down.txt'), exitCode: 1 } } });
    envs.push(env);
    const result = await runCliForTest(['down', '--provider', 'podman'], { env: env.env });
    expect(result.stderr).toContain('error: `KIND_EXPERIMENTAL_PROVIDER=podman kind get clusters` failed: Podman is not running (Cannot connect to Podman.)');
    expect((await env.bin.calls('kind')).at(-1)).toEqual({ provider: 'podman', args: ['get', 'clusters'] });
  });

  it('without kind, says how to install it or remove the nodes directly', async () => {
    const env = await labEnv({});
    envs.push(env);
    const result = await runCliForTest(['down', '--yes'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: kind is not installed, so the lab cannot look for its cluster');
    expect(result.stderr).toContain('`docker rm -f k8s-sec-lab-control-plane k8s-sec-lab-worker k8s-sec-lab-worker2`');
  });
});
