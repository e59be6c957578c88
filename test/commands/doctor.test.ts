import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cluster/doctor/run.js';
import { dockerRunning, kindOutput, kindVersionResponse } from '../cluster/helpers/fake-bin.js';
import { labEnv, type LabEnv } from '../cluster/helpers/lab-env.js';
import { runCliForTest } from '../helpers/run-cli.js';

const envs: LabEnv[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.cleanup();
});

const kubectl = { 'version --client': { stdout: '{"clientVersion":{"gitVersion":"v1.36.3"}}\n' } };

describe('k8s-sec-lab doctor', () => {
  it('--json reports Docker down with the fix and exits 1', async () => {
    const lab = await labEnv({
      docker: { 'info --format': { stderr: await kindOutput('docker-info-down.txt'), exitCode: 1 } },
      kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: await kindOutput('list-docker-down.txt'), exitCode: 1 } },
      kubectl,
    });
    envs.push(lab);
    const result = await runCliForTest(['doctor', '--json'], { env: lab.env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(report.items.find((item) => item.id === 'container-engine')).toEqual({
      id: 'container-engine',
      title: 'Docker',
      status: 'fail',
      detail: 'Docker is not running (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)',
      fix: expect.stringContaining('`sudo systemctl start docker`'),
    });
    expect(report.items.find((item) => item.id === 'kind')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^kind v0\.33\.0 /) });
    expect(report.items.find((item) => item.id === 'kubectl')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^kubectl v1\.36\.3 /) });
    expect(report.items.find((item) => item.id === 'lab-cluster')).toMatchObject({ status: 'skip', detail: expect.stringContaining('docker is not running') });
    expect(report.durationMs).toBeLessThan(2_000);
    // Docker being down, kind was not even asked about clusters.
    expect((await lab.bin.calls('kind')).map((call) => call.args)).toEqual([['version']]);
  });

  it('names the node image up would use: the pinned one, or $K8S_SEC_LAB_NODE_IMAGE through --image-map', async () => {
    const lab = await labEnv({
      docker: { 'info --format': dockerRunning },
      kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: 'No kind clusters found.\n' } },
      kubectl,
    });
    envs.push(lab);
    const nodeImage = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
      (JSON.parse((await runCliForTest([...args, 'doctor', '--json'], { env: { ...lab.env, ...env } })).stdout) as DoctorReport).items.find((item) => item.id === 'node-image');
    expect(await nodeImage([])).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^`up` creates nodes from kindest\/node:v1\.36\.\d+@sha256:[0-9a-f]{64} \(labs\/cluster\/kind\.yaml\)$/) });
    const map = join(lab.home, 'map.yaml');
    await writeFile(map, 'formatVersion: 1\nimages:\n  mirror/node:v2: local/kind-node:k1\n');
    expect(await nodeImage(['--image-map', map], { K8S_SEC_LAB_NODE_IMAGE: 'mirror/node:v2' })).toMatchObject({
      status: 'ok',
      detail: `\`up\` creates nodes from local/kind-node:k1 ($K8S_SEC_LAB_NODE_IMAGE mirror/node:v2, mapped by ${map})`,
    });
  });

  it('finds no lab cluster when kind lists none, and names the fix', async () => {
    const lab = await labEnv({
      docker: { 'info --format': dockerRunning },
      kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': { stderr: 'No kind clusters found.\n' } },
      kubectl,
    });
    envs.push(lab);
    const result = await runCliForTest(['doctor', '--json'], { env: lab.env });
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.items.find((item) => item.id === 'container-engine')).toMatchObject({ status: 'ok', detail: 'docker 28.1.1 is running' });
    expect(report.items.find((item) => item.id === 'lab-cluster')).toMatchObject({ status: 'warn', fix: '`k8s-sec-lab up`' });
    expect(result.exitCode).toBe(report.items.some((item) => item.status === 'fail') ? 1 : 0);
  });

  it('prints a table with each fix under its problem and the time it took', async () => {
    const lab = await labEnv({ docker: { 'info --format': { stderr: await kindOutput('docker-info-down.txt'), exitCode: 1 } }, kubectl });
    envs.push(lab);
    const result = await runCliForTest(['doctor'], { env: lab.env });
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    const docker = lines.findIndex((line) => line.startsWith('✗ Docker'));
    expect(lines[docker + 1]).toMatch(/^ +fix: start the Docker daemon with `sudo systemctl start docker`/);
    expect(lines).toContainEqual(expect.stringMatching(/^! kind +kind is not installed \(not on PATH\)$/));
    expect(result.stdout).toMatch(/\n1 missing, \d+ warnings? \(doctor took \d+\.\ds\)\n$/);
  });
});
