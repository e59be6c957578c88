import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFlagPath, nodeFlagPlanter, plantedDigest, plantedReport } from '../../src/lifecycle/node-flags.js';
import type { Container, PodSpec } from '../../src/model/k8s.js';

const first = 'K8SLAB{0123456789abcdef01234567}';
const second = 'K8SLAB{fedcba9876543210fedcba98}';

function planterSpec(values = [{ id: 'node-flag', value: first }]) {
  const planter = nodeFlagPlanter('privileged-pod', values) as { metadata: { namespace: string }; spec: { template: { metadata: { annotations: Record<string, string> }; spec: PodSpec } } };
  const spec = planter.spec.template.spec;
  const plant = spec.initContainers?.[0] as Container & { command: string[] };
  return { planter, spec, plant };
}

describe('the node-file flag planter', () => {
  it('puts the flag in a lab directory on every node, outside anything a scenario pod mounts', () => {
    expect(nodeFlagPath('privileged-pod', 'node-flag')).toBe('/var/lib/k8s-sec-lab/flags/privileged-pod/node-flag');
    const { planter, spec } = planterSpec();
    expect(planter.metadata.namespace).toBe('k8s-sec-lab-system');
    expect(spec.volumes).toEqual([{ name: 'flags', hostPath: { path: '/var/lib/k8s-sec-lab/flags', type: 'DirectoryOrCreate' } }]);
    expect((spec as { tolerations?: unknown }).tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('takes the value from the flags Secret by secretKeyRef: the spec never holds it', () => {
    const { planter, plant } = planterSpec();
    expect(plant.env).toEqual([{ name: 'FLAG_0', valueFrom: { secretKeyRef: { name: 'flags-privileged-pod', key: 'node-flag' } } }]);
    expect(JSON.stringify(planter)).not.toContain(first);
    expect(JSON.stringify(planter)).not.toContain(first.slice(7, -1));
    // A new value changes the template (so the pods run again) by its digest only.
    expect(planter.spec.template.metadata.annotations['k8s-sec-lab.io/planted']).toBe(plantedDigest([first]));
    expect(planterSpec([{ id: 'node-flag', value: second }]).planter.spec.template.metadata.annotations['k8s-sec-lab.io/planted']).not.toBe(plantedDigest([first]));
  });

  describe('its script, run for real on a directory standing in for the node\'s', () => {
    let dir: string;
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function runPlanter(value: string): Promise<string> {
      const { plant } = planterSpec([{ id: 'node-flag', value }]);
      const termination = join(dir, 'termination-log');
      await writeFile(termination, '');
      const script = plant.command[2]!.replaceAll('/lab-flags', join(dir, 'host')).replaceAll('/dev/termination-log', termination);
      await execa('sh', ['-c', script], { env: { PATH: process.env.PATH, FLAG_0: value }, extendEnv: false });
      return readFile(termination, 'utf8');
    }

    it.skipIf(process.getuid?.() !== 0)('writes mode 0400 root:root in a 0700 directory, reports the digest only, and a second run replaces the value', async () => {
      dir = await mkdtemp(join(tmpdir(), 'node-flags-'));
      const report = await runPlanter(first);
      const file = join(dir, 'host', 'privileged-pod', 'node-flag');
      expect(await readFile(file, 'utf8')).toBe(`${first}\n`);
      const mode = await stat(file);
      expect({ mode: (mode.mode & 0o777).toString(8), uid: mode.uid, gid: mode.gid }).toEqual({ mode: '400', uid: 0, gid: 0 });
      expect(((await stat(join(dir, 'host', 'privileged-pod'))).mode & 0o777).toString(8)).toBe('700');
      expect(report).toBe(plantedReport([first]));
      expect(report).not.toContain(first.slice(7, -1));

      expect(await runPlanter(second)).toBe(plantedReport([second]));
      expect(await readFile(file, 'utf8')).toBe(`${second}\n`);
    });
  });
});
