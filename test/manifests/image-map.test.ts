import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadImageMap } from '../../src/manifests/image-map-file.js';
import { mapImage, noImageMap, parseImageMap, rewriteImages } from '../../src/manifests/image-map.js';
import type { KubeObject } from '../../src/model/k8s.js';

const busybox = 'busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0';
const map = parseImageMap(`formatVersion: 1\nimages:\n  "${busybox}": local/busybox:k1\n  redis:7: local/redis:k1\n`, 'map.yaml');

describe('parseImageMap', () => {
  it('reads the format tools/kind-node writes', () => {
    expect(map.file).toBe('map.yaml');
    expect([...map.images]).toEqual([
      [busybox, 'local/busybox:k1'],
      ['redis:7', 'local/redis:k1'],
    ]);
  });

  it('names the file, the line, the field and the fix for a bad map', () => {
    const bad = (text: string) => () => parseImageMap(text, '/x/map.yaml');
    expect(bad('formatVersion: 2\nimages: {}\n')).toThrow(/^invalid image map: \/x\/map\.yaml:1: formatVersion: must be 1/);
    expect(bad('formatVersion: 1\nimages:\n  a: b\n  c: 3\n')).toThrow(/\/x\/map\.yaml:4: images\.c: /);
    expect(bad('formatVersion: 1\nimages:\n  a: "b c"\n')).toThrow(/map\.yaml:3: images\.a: must be an image reference without spaces/);
    expect(bad('formatVersion: 1\nimages: {}\nimage: {}\n')).toThrow(/map\.yaml:3: image: /);
    expect(bad('formatVersion: 1\nimages:\n  a: b\n  a: c\n')).toThrow(/^\/x\/map\.yaml:4: invalid YAML: Map keys must be unique/);
    expect(bad('images: {}\n')).toThrow(expect.objectContaining({ fix: expect.stringMatching(/formatVersion: 1/) }));
  });
});

describe('mapImage', () => {
  it('replaces a mapped reference exactly as written, and keeps any other', () => {
    expect(mapImage(map, busybox)).toBe('local/busybox:k1');
    expect(mapImage(map, 'busybox:1.37.0')).toBe('busybox:1.37.0');
    expect(mapImage(noImageMap, busybox)).toBe(busybox);
  });
});

describe('rewriteImages', () => {
  const containers = (image: string) => [{ name: 'a', image }, { name: 'b', image: 'nginx:1' }];
  const podSpec = (image: string) => ({ containers: containers(image), initContainers: containers(image), ephemeralContainers: containers(image) });
  const shapes: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec(busybox) },
    { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't' }, template: { spec: podSpec(busybox) } } as KubeObject,
    ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].map((kind) => ({ apiVersion: 'apps/v1', kind, metadata: { name: kind }, spec: { template: { spec: podSpec(busybox) } } })),
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template: { spec: podSpec(busybox) } } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: podSpec(busybox) } } } } },
  ];

  it('rewrites every container, init container and ephemeral container of every pod and pod template shape', () => {
    for (const shape of shapes) {
      const text = JSON.stringify(rewriteImages(shape, map));
      expect(text, shape.kind).not.toContain(busybox);
      expect(text.match(/local\/busybox:k1/g), shape.kind).toHaveLength(3);
      // Unmapped images stay as written.
      expect(text.match(/nginx:1/g), shape.kind).toHaveLength(3);
      expect(JSON.stringify(shape)).toContain(busybox);
    }
  });

  it('leaves objects without pods, and every object under no map, as they are', () => {
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { image: busybox } };
    expect(rewriteImages(configMap, map)).toBe(configMap);
    expect(rewriteImages(shapes[0]!, noImageMap)).toBe(shapes[0]);
  });
});

describe('loadImageMap', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('takes --image-map first, then $K8S_SEC_LAB_IMAGE_MAP, else no map', async () => {
    dir = await mkdtemp(join(tmpdir(), 'image-map-'));
    const option = join(dir, 'option.yaml');
    const fromEnv = join(dir, 'env.yaml');
    await writeFile(option, 'formatVersion: 1\nimages: { a: from-option }\n');
    await writeFile(fromEnv, 'formatVersion: 1\nimages: { a: from-env }\n');
    const env = { K8S_SEC_LAB_IMAGE_MAP: fromEnv };
    expect(mapImage(await loadImageMap(option, env), 'a')).toBe('from-option');
    expect(mapImage(await loadImageMap(undefined, env), 'a')).toBe('from-env');
    expect(await loadImageMap(undefined, {})).toBe(noImageMap);
  });

  it('names the missing file and where it was given', async () => {
    await expect(loadImageMap(undefined, { K8S_SEC_LAB_IMAGE_MAP: '/nonexistent/map.yaml' })).rejects.toThrow('cannot read the image map /nonexistent/map.yaml (from $K8S_SEC_LAB_IMAGE_MAP): ENOENT');
  });
});
