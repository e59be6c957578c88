import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageList } from '../../src/lab/images.js';
import { kindVersionResponse } from '../cluster/helpers/fake-bin.js';
import { labEnv, type LabEnv } from '../cluster/helpers/lab-env.js';
import { runCliForTest } from '../helpers/run-cli.js';

const envs: LabEnv[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.cleanup();
});

async function lab(kind: Parameters<typeof labEnv>[0]['kind'] = {}): Promise<LabEnv> {
  const env = await labEnv({ kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stdout: 'k8s-sec-lab\n' }, ...kind } });
  envs.push(env);
  return env;
}

const busybox = 'busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0';
const python = 'python:3.13-alpine@sha256:79e7a9b9ff1cbceff819f856fb374477792a5967759d94df266de7b7b4120e6f';

async function imageMap(env: LabEnv): Promise<string> {
  const file = join(env.home, 'image-map.yaml');
  await writeFile(file, `formatVersion: 1\nimages:\n  "${busybox}": local/k8s-sec-lab-busybox:k1\n  "${python}": local/k8s-sec-lab-python:k1\n`);
  return file;
}

async function listed(args: string[], env: LabEnv): Promise<ImageList> {
  const result = await runCliForTest([...args, 'images', '--json'], { env: env.env });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as ImageList;
}

describe('k8s-sec-lab images', () => {
  it('lists every image of the scenarios, the add-ons, the kind config and the probe, with where each is used', async () => {
    const list = await listed([], await lab());
    expect(list.imageMap).toBeUndefined();
    const python3 = list.images.find((use) => use.image === python);
    expect(python3?.usedBy).toEqual(expect.arrayContaining(['scenarios/privileged-pod/attack/root-pod.yaml', 'labs/addons/imds/imds-emulator.yaml', 'the NetworkPolicy probe of `up`']));
    expect(list.images.filter((use) => use.node).map((use) => use.usedBy)).toEqual([['labs/cluster/kind.yaml']]);
    expect(list.images.every((use) => use.mapped === undefined)).toBe(true);
    expect(list.images.map((use) => use.image)).toEqual([...list.images.map((use) => use.image)].sort());
  });

  it('shows the mapped value of each image the map names, and keeps the others', async () => {
    const env = await lab();
    const file = await imageMap(env);
    const list = await listed(['--image-map', file], env);
    expect(list.imageMap).toBe(file);
    expect(list.images.find((use) => use.image === busybox)?.mapped).toBe('local/k8s-sec-lab-busybox:k1');
    expect(list.images.filter((use) => use.mapped).length).toBe(2);
    const text = (await runCliForTest(['images'], { env: { ...env.env, K8S_SEC_LAB_IMAGE_MAP: file } })).stdout;
    expect(text).toMatch(new RegExp(`^${escapeRegExp(busybox)} → local/k8s-sec-lab-busybox:k1\n  used by .*scenarios/kubectl-proxy-vs-port-forward/setup/10-dashboard\\.yaml`, 'm'));
    expect(text.endsWith(`\n${list.images.length} images; ${file} maps 2 of them\n`)).toBe(true);
  });

  it('--help explains the map', async () => {
    for (const args of [['images', '--help'], ['images', 'load', '--help']]) {
      const result = await runCliForTest(args);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('formatVersion: 1');
    }
  });
});

describe('k8s-sec-lab images load', () => {
  it('runs one `kind load docker-image` per image the pods use, into the lab cluster only, leaving out the node image', async () => {
    const env = await lab();
    const result = await runCliForTest(['images', 'load'], { env: env.env });
    expect(result.exitCode).toBe(0);
    const list = await listed([], env);
    const pods = list.images.filter((use) => !use.node).map((use) => use.image);
    expect((await env.bin.calls('kind')).map((call) => call.args)).toEqual([
      ['version'],
      ['get', 'clusters'],
      ...pods.map((image) => ['load', 'docker-image', image, '--name', 'k8s-sec-lab']),
    ]);
    expect(result.stdout).toContain(`[1/${pods.length}] ${pods[0]}: kind load docker-image ${pods[0]} --name k8s-sec-lab\n`);
    expect(result.stdout).toContain(`loaded ${pods.length} images into kind cluster k8s-sec-lab`);
  });

  it('loads the mapped images under an image map', async () => {
    const env = await lab();
    const result = await runCliForTest(['--image-map', await imageMap(env), 'images', 'load'], { env: env.env });
    expect(result.exitCode).toBe(0);
    const loaded = (await env.bin.calls('kind')).filter((call) => call.args[0] === 'load').map((call) => call.args[2]);
    expect(loaded).toHaveLength((await listed([], env)).images.filter((use) => !use.node).length);
    expect(loaded).toEqual(expect.arrayContaining(['local/k8s-sec-lab-busybox:k1', 'local/k8s-sec-lab-python:k1']));
    expect(loaded).not.toContain(busybox);
  });

  it('stops naming the image docker does not have, and how to get it', async () => {
    const env = await lab({ 'load docker-image': [{}, { stderr: 'ERROR: image: "local/k8s-sec-lab-python:k1" not present locally\n', exitCode: 1 }] });
    const result = await runCliForTest(['--image-map', await imageMap(env), 'images', 'load'], { env: env.env });
    expect(result.exitCode).toBe(2);
    const second = (await env.bin.calls('kind')).filter((call) => call.args[0] === 'load')[1]!.args[2];
    expect(result.stderr).toContain(`error: docker on this machine has no image ${second}, so \`kind load docker-image ${second} --name k8s-sec-lab\` cannot load it`);
    expect(result.stderr).toContain(`fix: pull or build it first (\`docker pull ${second}\``);
    expect((await env.bin.calls('kind')).filter((call) => call.args[0] === 'load')).toHaveLength(2);
  });

  it('refuses when the lab cluster does not exist, and --dry-run prints the commands without running them', async () => {
    const env = await lab({ 'get clusters': { stderr: 'No kind clusters found.\n' } });
    const refused = await runCliForTest(['images', 'load'], { env: env.env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('error: there is no kind cluster k8s-sec-lab to load images into');
    const dry = await runCliForTest(['images', 'load', '--dry-run'], { env: env.env });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout.trimEnd().split('\n')).toHaveLength((await listed([], env)).images.filter((use) => !use.node).length);
    expect(dry.stdout).toMatch(/^kind load docker-image \S+ --name k8s-sec-lab$/m);
    expect((await env.bin.calls('kind')).filter((call) => call.args[0] === 'load')).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
