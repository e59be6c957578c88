import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifests/load.js';
import type { Container, KubeObject, LabelSelector, PodTemplateSpec } from '../../../src/model/k8s.js';
import { addonsDir, codeConfigMaps } from '../../../tools/addons/code-configmap.js';
import { addonDir, vulnerableSettings } from './imds-harness.js';

const NAMESPACE = 'k8s-sec-lab-system';
const commonLabels = {
  'app.kubernetes.io/name': 'imds-emulator',
  'app.kubernetes.io/part-of': 'k8s-sec-lab',
  'app.kubernetes.io/managed-by': 'k8s-sec-lab',
};
/** An official multi-arch image pinned by its index digest (docker-library/repo-info has it). */
const PINNED_IMAGE = /^python:3\.13-alpine@sha256:[0-9a-f]{64}$/;
const IN_NODE_NETWORK_NAMESPACE = ['nsenter', '-t', '1', '-n'];

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
}

interface DaemonSet extends KubeObject {
  spec?: {
    selector?: LabelSelector;
    template?: PodTemplateSpec & { spec?: { tolerations?: Toleration[] } };
  };
}

type VolumeMount = NonNullable<Container['volumeMounts']>[number] & { subPath?: string };
type ConfigMapVolume = { name: string; configMap?: { name?: string; defaultMode?: number } };

let objects: KubeObject[];

beforeAll(async () => {
  // The whole folder, as the lab would apply it.
  objects = (await loadManifests(addonDir, async () => '')).map((loaded) => loaded.object);
});

function find<T extends KubeObject>(kind: string, name: string): T {
  const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata?.name === name);
  if (!object) throw new Error(`no ${kind} ${name} in labs/addons/imds`);
  return object as T;
}

function podTemplate() {
  const template = find<DaemonSet>('DaemonSet', 'imds-emulator').spec?.template;
  if (!template?.spec) throw new Error('the DaemonSet has no pod template');
  return { metadata: template.metadata, spec: template.spec };
}

function container(name: string): Container {
  const { spec } = podTemplate();
  const found = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no container ${name} in the DaemonSet`);
  return found;
}

/** The ConfigMap a container mounts at `mountPath`, and the mount itself. */
function configMapMountedAt(containerName: string, mountPath: string) {
  const mount = container(containerName).volumeMounts?.find((candidate) => candidate.mountPath === mountPath) as VolumeMount | undefined;
  const volumes = podTemplate().spec.volumes as ConfigMapVolume[] | undefined;
  const volume = volumes?.find((candidate) => candidate.name === mount?.name);
  return { mount, configMap: volume?.configMap };
}

describe('IMDS emulator manifests (labs/addons/imds)', () => {
  it('labels every object as the lab\'s and keeps namespaced ones in k8s-sec-lab-system', () => {
    expect(objects.map((object) => `${object.kind}/${object.metadata?.name}`).sort()).toEqual([
      'ConfigMap/imds-server',
      'ConfigMap/imds-settings',
      'DaemonSet/imds-emulator',
      `Namespace/${NAMESPACE}`,
      'Role/imds-emulator-reads-flags',
      'RoleBinding/imds-emulator-reads-flags',
      'ServiceAccount/imds-emulator',
    ]);
    for (const object of objects) {
      // The Namespace is every add-on's, so it carries no add-on's name.
      const { 'app.kubernetes.io/name': _name, ...sharedLabels } = commonLabels;
      expect(object.metadata?.labels, `${object.kind}/${object.metadata?.name}`).toMatchObject(object.kind === 'Namespace' ? sharedLabels : commonLabels);
      if (object.kind !== 'Namespace') expect(object.metadata?.namespace).toBe(NAMESPACE);
    }
  });

  it('lets the namespace run privileged pods (Pod Security Admission)', () => {
    expect(find('Namespace', NAMESPACE).metadata?.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged' });
  });

  it('embeds server.py and node-route.sh in the imds-server ConfigMap byte for byte', async () => {
    const data = find<ConfigMap>('ConfigMap', 'imds-server').data ?? {};
    const { embedded, file: generated } = codeConfigMaps.imds;
    expect(Object.keys(data).sort()).toEqual(Object.keys(embedded).sort());
    for (const [key, file] of Object.entries(embedded)) {
      const source = await readFile(`${addonsDir}${file}`, 'utf8');
      expect(data[key] === source, `labs/addons/${generated} is stale for ${file}: run npm run generate:addons`).toBe(true);
    }
  });

  it('starts the settings at the scenario\'s vulnerable defaults', () => {
    expect(find<ConfigMap>('ConfigMap', 'imds-settings').data).toEqual(vulnerableSettings);
  });

  it('selects its own pods with a selector the template labels satisfy', () => {
    const daemonSet = find<DaemonSet>('DaemonSet', 'imds-emulator');
    expect(daemonSet.apiVersion).toBe('apps/v1');
    const matchLabels = daemonSet.spec?.selector?.matchLabels ?? {};
    expect(Object.keys(matchLabels).length).toBeGreaterThan(0);
    expect(podTemplate().metadata?.labels).toMatchObject({ ...matchLabels, ...commonLabels });
  });

  it('runs on every node, control plane included', () => {
    const tolerations = podTemplate().spec.tolerations ?? [];
    const toleratesControlPlane = tolerations.some(
      (toleration) =>
        (toleration.operator === 'Exists' && toleration.key === undefined) ||
        (toleration.key === 'node-role.kubernetes.io/control-plane' && [undefined, 'NoSchedule'].includes(toleration.effect)),
    );
    expect(toleratesControlPlane).toBe(true);
  });

  it('keeps the pod off the host network, one routed hop from the node, so the hop limit is real', () => {
    expect(podTemplate().spec.hostNetwork).not.toBe(true);
    expect(container('imds-address').command).toEqual(['ip', 'addr', 'replace', '169.254.169.254/32', 'dev', 'lo']);
    expect(container('server').command).toEqual([
      'python3', '/opt/imds/server.py', '--bind', '169.254.169.254', '--port', '80', '--settings-dir', '/etc/imds',
      '--flags-configmap', 'k8s-sec-lab-system/imds-flags',
    ]);
  });

  it('gives only the server an API token, whose account may get the imds-flags ConfigMap and nothing else', () => {
    const { spec } = podTemplate();
    expect(spec.serviceAccountName).toBe('imds-emulator');
    expect(spec.automountServiceAccountToken).toBe(false);
    const tokenPath = '/var/run/secrets/kubernetes.io/serviceaccount';
    const withToken = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].filter((candidate) => candidate.volumeMounts?.some((mount) => mount.mountPath === tokenPath));
    expect(withToken.map((candidate) => candidate.name)).toEqual(['server']);
    expect(find<KubeObject & { rules?: unknown }>('Role', 'imds-emulator-reads-flags').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['imds-flags'], verbs: ['get'] },
    ]);
    expect(find<KubeObject & { subjects?: unknown; roleRef?: unknown }>('RoleBinding', 'imds-emulator-reads-flags')).toMatchObject({
      roleRef: { kind: 'Role', name: 'imds-emulator-reads-flags' },
      subjects: [{ kind: 'ServiceAccount', name: 'imds-emulator', namespace: NAMESPACE }],
    });
  });

  it('routes 169.254.169.254 from the node with node-route.sh run in PID 1\'s network namespace only', () => {
    expect(podTemplate().spec.hostPID).toBe(true);
    const nodeRoute = container('node-route');
    // -n alone: with -m the node's filesystem would replace the image's sh, ip and /opt/imds.
    expect(nodeRoute.command).toEqual([...IN_NODE_NETWORK_NAMESPACE, 'sh', '/opt/imds/node-route.sh', 'keep']);
    expect(nodeRoute.readinessProbe?.exec?.command).toEqual([...IN_NODE_NETWORK_NAMESPACE, 'sh', '/opt/imds/node-route.sh', 'check']);
    expect(nodeRoute.env).toContainEqual({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(nodeRoute.env).toContainEqual({ name: 'ROUTED_ADDRESS', value: '169.254.169.254' });
    expect(nodeRoute.securityContext?.privileged).toBe(true);
  });

  it('mounts the code read-only and the settings as a whole directory, so edits reach the server', () => {
    for (const name of ['server', 'node-route']) {
      const code = configMapMountedAt(name, '/opt/imds');
      expect(code.configMap?.name).toBe('imds-server');
      expect(code.configMap?.defaultMode).toBe(0o444);
    }
    const settings = configMapMountedAt('server', '/etc/imds');
    expect(settings.configMap?.name).toBe('imds-settings');
    // kubelet never updates a ConfigMap mounted with subPath.
    expect(settings.mount?.subPath).toBeUndefined();
  });

  it('runs the server unprivileged', () => {
    expect(container('server').securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('pins every image by its multi-arch index digest and bounds every container\'s resources', () => {
    const { spec } = podTemplate();
    for (const each of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      expect(each.image, each.name).toMatch(PINNED_IMAGE);
      expect(each.resources?.requests, each.name).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(each.resources?.limits, each.name).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
    }
  });

  it('ships node-route.sh as valid POSIX sh', () => {
    const result = spawnSync('sh', ['-n', `${addonsDir}node-route.sh`], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
