import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { kindConfigTemplate } from '../../src/cluster/kind/config.js';
import { labsDir } from '../../src/lab-dirs.js';
import { dockerRunning, kindOutput, kindVersionResponse } from '../cluster/helpers/fake-bin.js';
import { labEnv, type LabEnv } from '../cluster/helpers/lab-env.js';
import { startReleaseServer } from '../cluster/helpers/release-server.js';
import { runCliForTest } from '../helpers/run-cli.js';

const envs: LabEnv[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.cleanup();
  for (const close of closers.splice(0)) await close();
});

async function lab(programs: Parameters<typeof labEnv>[0], extra: NodeJS.ProcessEnv = {}, host: Parameters<typeof labEnv>[2] = {}): Promise<LabEnv> {
  const env = await labEnv(programs, extra, host);
  envs.push(env);
  return env;
}

/** Docker runs, there is no cluster yet, and every `kind create cluster` fails in kubeadm init. */
async function kindFailingMidway(): Promise<Parameters<typeof labEnv>[0]> {
  return {
    docker: { 'info --format': dockerRunning },
    kind: {
      version: kindVersionResponse('v0.33.0'),
      'get clusters': { stderr: 'No kind clusters found.\n' },
      'create cluster': { stderr: await kindOutput('create-kubeadm-failed.txt'), exitCode: 1 },
    },
  };
}

/** An error is one paragraph and its fix: two lines on stderr, no stack trace. */
function expectOneParagraph(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[1]).toMatch(/^ {2}fix: /);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('k8s-sec-lab up', () => {
  it('stops at the prerequisites when Docker is down, with one paragraph and the fix', async () => {
    const env = await lab({
      docker: { 'info --format': { stderr: await kindOutput('docker-info-down.txt'), exitCode: 1 } },
      kind: { version: kindVersionResponse('v0.33.0') },
    });
    const result = await runCliForTest(['up', '--yes'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expectOneParagraph(result.stderr);
    expect(result.stderr).toBe(
      'error: Docker is not running (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)\n' +
        '  fix: start the Docker daemon with `sudo systemctl start docker` (Docker Desktop for Linux: start Docker Desktop), then check with `docker info`\n',
    );
    expect(result.stdout).toContain('✗ check kind and the container engine');
    expect((await env.bin.calls('kind')).map((call) => call.args)).toEqual([['version']]);
  });

  it('without kind, --yes or a terminal: refuses with the install commands and downloads nothing', async () => {
    const env = await lab({ docker: { 'info --format': dockerRunning } });
    const result = await runCliForTest(['up'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expectOneParagraph(result.stderr);
    expect(result.stderr).toContain('error: kind is not installed (not on PATH)');
    expect(result.stderr).toContain('fix: rerun with --yes to let the lab download kind v0.33.0, or install it: `curl -fLo ./kind');
  });

  it('with --yes, downloads kind (verified) into the lab cache and uses it', async () => {
    const server = await startReleaseServer('good');
    closers.push(() => server.close());
    const env = await lab({ docker: { 'info --format': { stderr: await kindOutput('docker-info-down.txt'), exitCode: 1 } } }, { K8S_SEC_LAB_KIND_DOWNLOAD_URL: server.base });
    const result = await runCliForTest(['up', '--yes'], { env: env.env });
    expect(server.requests).toEqual([`/v0.33.0/${assetName()}.sha256sum`, `/v0.33.0/${assetName()}`]);
    expect(await readFile(join(env.env.K8S_SEC_LAB_HOME!, 'cache', 'bin', 'kind-v0.33.0'))).toEqual(server.binary);
    // It then stops at Docker, which is down.
    expect(result.stderr).toContain('error: Docker is not running');
  });

  it('when kind fails midway and nobody can answer: stops, names kind\'s reason and log, and creates nothing more', async () => {
    const env = await lab(await kindFailingMidway());
    const result = await runCliForTest(['up'], { env: env.env });
    const logFile = join(env.env.K8S_SEC_LAB_HOME!, 'logs', 'kind.log');
    const configFile = join(env.env.K8S_SEC_LAB_HOME!, 'cache', 'kind-config.yaml');
    expect(result.exitCode).toBe(2);
    expectOneParagraph(result.stderr);
    expect(result.stderr).toContain(`error: \`kind create cluster --name k8s-sec-lab --config ${configFile}\` failed: failed to create cluster: failed to init node with kubeadm`);
    expect(result.stderr).toContain(`fix: kind's full output is in ${logFile}; then delete it and start again with \`k8s-sec-lab down --yes && k8s-sec-lab up\``);
    expect((await env.bin.calls('kind')).map((call) => call.args.slice(0, 2))).toEqual([['version'], ['get', 'clusters'], ['create', 'cluster']]);
    expect(await readFile(logFile, 'utf8')).toContain('failed to init node with kubeadm');
    expect(await readFile(configFile, 'utf8')).toContain('apiServerAddress: 127.0.0.1');
  });

  it('with --yes, deletes the half-created cluster and tries once more', async () => {
    const env = await lab(await kindFailingMidway());
    const result = await runCliForTest(['up', '--yes'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expect((await env.bin.calls('kind')).map((call) => call.args.slice(0, 4))).toEqual([
      ['version'],
      ['get', 'clusters'],
      ['create', 'cluster', '--name', 'k8s-sec-lab'],
      ['delete', 'cluster', '--name', 'k8s-sec-lab'],
      ['create', 'cluster', '--name', 'k8s-sec-lab'],
    ]);
    expect(result.stdout.match(/✗ create the kind cluster/g)).toHaveLength(2);
  });

  it('asks before retrying when there is a terminal, and a "n" leaves things as they are', async () => {
    const env = await lab(await kindFailingMidway());
    const result = await runCliForTest(['up'], { env: env.env, interactive: true, answers: ['n'] });
    expect(result.stdout).toMatch(/Creating the cluster failed \(.*failed to init node with kubeadm.*\)\. Delete what was created and try once more\? \[y\/N\] /);
    expect((await env.bin.calls('kind')).filter((call) => call.args[0] === 'delete')).toEqual([]);
  });

  describe('on a cgroup v1 host and a cgroup v2 host', () => {
    const kubeletPatch = 'kubeadmConfigPatches:\n  - |\n    kind: KubeletConfiguration\n    failCgroupV1: false\n';

    async function upOn(cgroup: 1 | 2) {
      const env = await lab(await kindFailingMidway(), {}, { cgroup });
      const result = await runCliForTest(['up'], { env: env.env });
      const config = await env.bin.receivedConfig('kind');
      if (config === undefined) throw new Error('kind was not given a --config file');
      return { result, config };
    }

    it('kind receives the template on v2, and the same plus the kubelet patch (failCgroupV1: false) on v1, with one warning', async () => {
      const v2 = await upOn(2);
      const v1 = await upOn(1);
      const rendered = (template: string) => `# Rendered by k8s-sec-lab from ${kindConfigTemplate}: edit that file, not this one.\n${template}`;
      const template = parse(await readFile(kindConfigTemplate, 'utf8')) as { nodes: { extraMounts?: { hostPath: string }[] }[] };
      template.nodes[0]!.extraMounts![0]!.hostPath = join(labsDir, 'cluster', 'audit-policy.yaml');
      expect(v2.config).toBe(rendered(stringify(template)));
      expect(v1.config).toBe(rendered(stringify(template)) + kubeletPatch);
      expect(parse(v1.config)).toMatchObject({ kubeadmConfigPatches: ['kind: KubeletConfiguration\nfailCgroupV1: false\n'] });

      expect(v2.result.stderr).not.toContain('cgroup');
      const warnings = v1.result.stderr.split('\n').filter((line) => line.startsWith('warning: '));
      expect(warnings).toEqual([
        'warning: this host uses cgroup v1, which Kubernetes deprecated: kubelet 1.35 and newer refuse to start on it unless the KubeletConfiguration sets failCgroupV1: false, ' +
          'so the lab sets that in the kind config; kind and containerd will drop cgroup v1; boot the host with cgroup v2 (kernel parameter systemd.unified_cgroup_hierarchy=1, or a distribution release that defaults to it)',
      ]);
    });

    it('doctor names the cgroup version: ok on v2, a warning with the way to v2 on v1', async () => {
      for (const cgroup of [2, 1] as const) {
        const env = await lab({ docker: { 'info --format': dockerRunning }, kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: 'No kind clusters found.\n' } } }, {}, { cgroup });
        const report = JSON.parse((await runCliForTest(['doctor', '--json'], { env: env.env })).stdout) as { items: { id: string; status: string; detail: string; fix?: string }[] };
        const item = report.items.find((each) => each.id === 'cgroup');
        if (cgroup === 2) expect(item).toMatchObject({ status: 'ok', detail: 'cgroup v2' });
        else expect(item).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^cgroup v1: /), fix: expect.stringContaining('systemd.unified_cgroup_hierarchy=1') });
      }
    });
  });

  describe('the node image', () => {
    const pinned = (parse(readFileSync(kindConfigTemplate, 'utf8')) as { nodes: { image: string }[] }).nodes[0]!.image;

    async function nodeImages(args: string[], extra: NodeJS.ProcessEnv = {}) {
      const env = await lab(await kindFailingMidway(), extra);
      const result = await runCliForTest(['up', ...args], { env: env.env });
      const config = await env.bin.receivedConfig('kind');
      return { result, env, images: config === undefined ? undefined : (parse(config) as { nodes: { image: string }[] }).nodes.map((node) => node.image) };
    }

    it('--node-image runs on every node; $K8S_SEC_LAB_NODE_IMAGE when it is not given; else the pinned one', async () => {
      expect((await nodeImages(['--node-image', 'mirror.example/kind/node:v1.37.0'], { K8S_SEC_LAB_NODE_IMAGE: 'env/node:v1' })).images).toEqual(Array(3).fill('mirror.example/kind/node:v1.37.0'));
      expect((await nodeImages([], { K8S_SEC_LAB_NODE_IMAGE: 'env/node:v1' })).images).toEqual(Array(3).fill('env/node:v1'));
      expect((await nodeImages([])).images).toEqual(Array(3).fill(pinned));
    });

    it('an image map (--image-map or $K8S_SEC_LAB_IMAGE_MAP) replaces the node image, the pinned one or the one asked for', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'up-image-map-'));
      closers.push(() => rm(dir, { recursive: true, force: true }));
      const map = join(dir, 'map.yaml');
      await writeFile(map, `formatVersion: 1\nimages:\n  "${pinned}": local/kind-node:k1\n  mirror/node:v2: local/mirrored:k1\n`);
      expect((await nodeImages(['--image-map', map])).images).toEqual(Array(3).fill('local/kind-node:k1'));
      expect((await nodeImages(['--node-image', 'mirror/node:v2'], { K8S_SEC_LAB_IMAGE_MAP: map })).images).toEqual(Array(3).fill('local/mirrored:k1'));
    });

    it('a broken image map stops before kind runs, naming the file and line', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'up-image-map-'));
      closers.push(() => rm(dir, { recursive: true, force: true }));
      const map = join(dir, 'map.yaml');
      await writeFile(map, 'formatVersion: 1\nimages:\n  a: [b]\n');
      const { result, env } = await nodeImages(['--image-map', map]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`error: invalid image map: ${map}:3: images.a: `);
      expect(result.stderr).toContain('fix: an image map is YAML: `formatVersion: 1`');
      expect(await env.bin.calls('kind')).toEqual([]);
    });

    it('up --help names the option and its variable', async () => {
      const result = await runCliForTest(['up', '--help']);
      expect(result.stdout).toContain('--node-image <ref>');
      expect(result.stdout).toContain('$K8S_SEC_LAB_NODE_IMAGE');
    });
  });

  it('runs kind with the podman backend for --provider podman', async () => {
    const env = await lab({
      podman: { 'info --format': { stderr: 'Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`\n', exitCode: 125 } },
      kind: { version: kindVersionResponse('v0.33.0') },
    });
    const result = await runCliForTest(['up', '--provider', 'podman'], { env: env.env });
    expect(result.stderr).toContain('error: Podman is not running (Cannot connect to Podman.)');
    expect(result.stderr).toContain('fix: start Podman\'s API service with `systemctl --user start podman.socket`');
  });

  it('--existing without --yes and without a terminal refuses before touching the cluster', async () => {
    const env = await lab({});
    const kubeconfig = join(env.home, 'kubeconfig');
    await writeFile(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\n' +
        'users: [{name: u, user: {token: t}}]\ncontexts: [{name: staging, context: {cluster: c, user: u}}]\ncurrent-context: staging\n',
    );
    const result = await runCliForTest(['up', '--existing'], { env: env.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: Mark context "staging" (https://127.0.0.1:9) as a lab cluster?');
    expect(result.stderr).toContain('fix: rerun with --yes to confirm');
  });
});

function assetName(): string {
  return `kind-${process.platform === 'darwin' ? 'darwin' : 'linux'}-${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
}
