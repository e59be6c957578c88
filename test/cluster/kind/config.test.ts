import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chooseNodeImage, kindConfigTemplate, labNodeCount, renderKindConfig } from '../../../src/cluster/kind/config.js';
import { noImageMap, parseImageMap } from '../../../src/manifests/image-map.js';
import { labsDir } from '../../../src/lab-dirs.js';

interface KindConfig {
  kind: string;
  apiVersion: string;
  networking: { apiServerAddress?: string };
  nodes: {
    role: string;
    image: string;
    extraMounts?: { hostPath: string; containerPath: string; readOnly?: boolean }[];
    extraPortMappings?: { containerPort: number; hostPort: number; listenAddress?: string }[];
    kubeadmConfigPatches?: string[];
  }[];
}

interface ClusterConfigurationPatch {
  apiVersion?: string;
  kind: string;
  apiServer: { extraArgs: unknown; extraVolumes: { hostPath: string; mountPath: string; readOnly?: boolean }[] };
}

const template = parse(readFileSync(kindConfigTemplate, 'utf8')) as KindConfig;
const controlPlane = template.nodes.find((node) => node.role === 'control-plane')!;
const patch = parse(controlPlane.kubeadmConfigPatches![0]!) as ClusterConfigurationPatch;

describe('labs/cluster/kind.yaml', () => {
  it('has one control plane and two workers, as `up` waits for', () => {
    expect(template).toMatchObject({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' });
    expect(template.nodes.map((node) => node.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(template.nodes).toHaveLength(labNodeCount);
  });

  it('binds the API server and every published port to loopback only', () => {
    expect(template.networking.apiServerAddress).toBe('127.0.0.1');
    const mappings = template.nodes.flatMap((node) => node.extraPortMappings ?? []);
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) expect(mapping.listenAddress).toBe('127.0.0.1');
  });

  it('pins one Kubernetes >= 1.36 node image by digest on every node', () => {
    const images = new Set(template.nodes.map((node) => node.image));
    expect(images.size).toBe(1);
    const [image] = [...images];
    expect(image).toMatch(/^kindest\/node:v1\.(3[6-9]|[4-9]\d)\.\d+@sha256:[0-9a-f]{64}$/);
  });

  it('patches kubeadm in the v1beta4 format: extraArgs as a list of {name, value}', () => {
    expect(patch.kind).toBe('ClusterConfiguration');
    // A versioned patch must target v1beta4, which kind uses for node images >= 1.36.
    if (patch.apiVersion !== undefined) expect(patch.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
    expect(Array.isArray(patch.apiServer.extraArgs)).toBe(true);
    for (const arg of patch.apiServer.extraArgs as unknown[]) {
      expect(arg).toEqual({ name: expect.any(String), value: expect.any(String) });
    }
  });

  it('turns on audit logging with the policy it mounts into the control plane', () => {
    const args = Object.fromEntries((patch.apiServer.extraArgs as { name: string; value: string }[]).map(({ name, value }) => [name, value]));
    const policyInNode = args['audit-policy-file']!;
    expect(args['audit-log-path']).toMatch(/^\/var\/log\/kubernetes\//);
    // The file reaches the node through extraMounts, and the API server pod through an extraVolume.
    expect(controlPlane.extraMounts).toContainEqual({ hostPath: 'audit-policy.yaml', containerPath: policyInNode, readOnly: true });
    const policyVolume = patch.apiServer.extraVolumes.find((volume) => policyInNode.startsWith(`${volume.mountPath}/`));
    expect(policyVolume).toMatchObject({ hostPath: policyVolume?.mountPath, readOnly: true });
    const logVolume = patch.apiServer.extraVolumes.find((volume) => args['audit-log-path']!.startsWith(`${volume.mountPath}/`));
    expect(logVolume).toMatchObject({ readOnly: false });
  });
});

describe('labs/cluster/audit-policy.yaml', () => {
  const policy = parse(readFileSync(join(labsDir, 'cluster', 'audit-policy.yaml'), 'utf8')) as {
    apiVersion: string;
    kind: string;
    rules: { level: string; resources?: { group: string; resources: string[] }[] }[];
  };

  it('is an audit.k8s.io/v1 Policy that ends with a catch-all rule', () => {
    expect(policy).toMatchObject({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy' });
    expect(policy.rules.at(-1)).toEqual({ level: 'Request' });
  });

  it('never logs the bodies of Secrets or tokens', () => {
    const firstRuleFor = (resource: string) =>
      policy.rules.find((rule) => rule.resources?.some((group) => group.resources.includes(resource)));
    expect(firstRuleFor('secrets')?.level).toBe('Metadata');
    expect(firstRuleFor('serviceaccounts/token')?.level).toBe('Metadata');
    expect(firstRuleFor('tokenreviews')?.level).toBe('Metadata');
  });
});

describe('renderKindConfig', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes the template with absolute, existing mount paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-config-'));
    dirs.push(dir);
    const file = await renderKindConfig(dir);
    expect(file).toBe(join(dir, 'kind-config.yaml'));
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')[0]).toBe(`# Rendered by k8s-sec-lab from ${kindConfigTemplate}: edit that file, not this one.`);
    const rendered = parse(text) as KindConfig;
    const mounts = rendered.nodes.flatMap((node) => node.extraMounts ?? []);
    expect(mounts.map((mount) => mount.hostPath)).toEqual([join(labsDir, 'cluster', 'audit-policy.yaml')]);
    for (const mount of mounts) expect(isAbsolute(mount.hostPath)).toBe(true);
    // Everything else is the template, unchanged (the kubeadm patch stays one YAML string).
    expect({ ...rendered, nodes: rendered.nodes.map(({ extraMounts: _, ...node }) => node) }).toEqual({
      ...template,
      nodes: template.nodes.map(({ extraMounts: _, ...node }) => node),
    });
  });

  it('refuses a template that mounts a file the package lacks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-config-'));
    dirs.push(dir);
    const broken = join(dir, 'kind.yaml');
    await writeFile(broken, 'nodes:\n  - role: control-plane\n    extraMounts:\n      - hostPath: gone.yaml\n        containerPath: /x\n');
    await expect(renderKindConfig(join(dir, 'out'), broken)).rejects.toThrow(`${broken} mounts ${join(dir, 'gone.yaml')}, which does not exist`);
  });

  it('runs a chosen node image on every node, and changes nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-config-'));
    dirs.push(dir);
    const rendered = parse(await readFile(await renderKindConfig(dir, kindConfigTemplate, { nodeImage: 'mirror.example/kind/node:v1.37.0' }), 'utf8')) as KindConfig;
    expect(rendered.nodes.map((node) => node.image)).toEqual(['mirror.example/kind/node:v1.37.0', 'mirror.example/kind/node:v1.37.0', 'mirror.example/kind/node:v1.37.0']);
    expect(rendered.nodes.map(({ image: _, ...node }) => node)).toEqual(parse(await readFile(await renderKindConfig(dir), 'utf8')).nodes.map(({ image: _, ...node }: KindConfig['nodes'][number]) => node));
  });
});

describe('chooseNodeImage', () => {
  const pinned = controlPlane.image;
  const map = parseImageMap(`formatVersion: 1\nimages:\n  "${pinned}": local/kind-node:k1\n  mirror/node:v1: local/mirrored:k1\n`, '/maps/m.yaml');

  it('takes --node-image, else $K8S_SEC_LAB_NODE_IMAGE, else the image labs/cluster/kind.yaml pins', async () => {
    const env = { K8S_SEC_LAB_NODE_IMAGE: 'env/node:v2' };
    expect(await chooseNodeImage('option/node:v1', env, noImageMap)).toEqual({ image: 'option/node:v1', source: '--node-image' });
    expect(await chooseNodeImage(undefined, env, noImageMap)).toEqual({ image: 'env/node:v2', source: '$K8S_SEC_LAB_NODE_IMAGE' });
    expect(await chooseNodeImage(undefined, {}, noImageMap)).toEqual({ image: pinned, source: 'labs/cluster/kind.yaml' });
  });

  it('maps the chosen reference through the image map, and says so', async () => {
    expect(await chooseNodeImage(undefined, {}, map)).toEqual({ image: 'local/kind-node:k1', source: `labs/cluster/kind.yaml ${pinned}, mapped by /maps/m.yaml` });
    expect(await chooseNodeImage('mirror/node:v1', {}, map)).toEqual({ image: 'local/mirrored:k1', source: '--node-image mirror/node:v1, mapped by /maps/m.yaml' });
    expect(await chooseNodeImage('other/node:v1', {}, map)).toEqual({ image: 'other/node:v1', source: '--node-image' });
  });
});
