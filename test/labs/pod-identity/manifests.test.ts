import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifests/load.js';
import type { Container, KubeObject, PodTemplateSpec } from '../../../src/model/k8s.js';
import { addonDir, embeddedFiles, serverConfigMapFile } from '../../../tools/pod-identity/server-configmap.js';

const NAMESPACE = 'k8s-sec-lab-system';
const AGENT_ADDRESS = '169.254.170.23';
const commonLabels = {
  'app.kubernetes.io/name': 'eks-pod-identity-agent',
  'app.kubernetes.io/part-of': 'k8s-sec-lab',
  'app.kubernetes.io/managed-by': 'k8s-sec-lab',
};
const PINNED_IMAGE = /^python:3\.13-alpine@sha256:[0-9a-f]{64}$/;

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}
type Workload = KubeObject & { spec?: { template?: PodTemplateSpec & { spec?: { hostNetwork?: boolean; serviceAccountName?: string; tolerations?: { operator?: string }[] } } } };

let objects: (KubeObject & { data?: Record<string, string>; rules?: Rule[] })[];

beforeAll(async () => {
  objects = (await loadManifests(addonDir, async () => '')).map((loaded) => loaded.object);
});

function find<T extends KubeObject>(kind: string, name: string): T {
  const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata?.name === name);
  if (!object) throw new Error(`no ${kind} ${name} in labs/addons/pod-identity`);
  return object as T;
}

function podSpec() {
  const spec = find<Workload>('DaemonSet', 'eks-pod-identity-agent').spec?.template?.spec;
  if (!spec) throw new Error('the DaemonSet has no pod template');
  return spec;
}

function container(name: string): Container {
  const spec = podSpec();
  const found = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

describe('EKS Pod Identity Agent emulator manifests (labs/addons/pod-identity)', () => {
  it("labels every object as the lab's, keeps namespaced ones in k8s-sec-lab-system, and leaves the namespace to the imds add-on", () => {
    expect(objects.map((object) => `${object.kind}/${object.metadata?.name}`).sort()).toEqual([
      'ClusterRole/k8s-sec-lab:eks-pod-identity-agent',
      'ClusterRoleBinding/k8s-sec-lab:eks-pod-identity-agent',
      'ConfigMap/pod-identity-associations',
      'ConfigMap/pod-identity-server',
      'DaemonSet/eks-pod-identity-agent',
      'Role/eks-pod-identity-agent',
      'RoleBinding/eks-pod-identity-agent',
      'ServiceAccount/eks-pod-identity-agent',
    ]);
    for (const object of objects) {
      expect(object.metadata?.labels, `${object.kind}/${object.metadata?.name}`).toMatchObject(commonLabels);
      if (!object.kind?.startsWith('Cluster')) expect(object.metadata?.namespace).toBe(NAMESPACE);
    }
  });

  it('embeds agent.py in the pod-identity-server ConfigMap byte for byte', async () => {
    const data = find<KubeObject & { data?: Record<string, string> }>('ConfigMap', 'pod-identity-server').data ?? {};
    expect(Object.keys(data)).toEqual([...embeddedFiles]);
    for (const file of embeddedFiles) {
      expect(data[file] === (await readFile(`${addonDir}${file}`, 'utf8')), `${serverConfigMapFile} is stale for ${file}: run npm run generate:pod-identity`).toBe(true);
    }
  });

  it('starts with no association at all: every service account gets 403 until one is made', () => {
    expect(find<KubeObject & { data?: Record<string, string> }>('ConfigMap', 'pod-identity-associations').data).toEqual({});
  });

  it('may create TokenReviews and read the associations ConfigMap, and nothing else', () => {
    expect(find<KubeObject & { rules?: Rule[] }>('ClusterRole', 'k8s-sec-lab:eks-pod-identity-agent').rules).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    ]);
    expect(find<KubeObject & { rules?: Rule[] }>('Role', 'eks-pod-identity-agent').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['pod-identity-associations'], verbs: ['get'] },
    ]);
    for (const binding of ['ClusterRoleBinding/k8s-sec-lab:eks-pod-identity-agent', 'RoleBinding/eks-pod-identity-agent']) {
      const [kind, name] = binding.split('/') as [string, string];
      expect(find<KubeObject & { subjects?: unknown[] }>(kind, name).subjects, binding).toEqual([{ kind: 'ServiceAccount', name: 'eks-pod-identity-agent', namespace: NAMESPACE }]);
    }
    expect(podSpec().serviceAccountName).toBe('eks-pod-identity-agent');
  });

  it("runs on every node in the node's network namespace, on 169.254.170.23 put on the node's loopback", () => {
    expect(podSpec().hostNetwork).toBe(true);
    expect(podSpec().tolerations).toContainEqual({ operator: 'Exists' });
    expect(container('agent-address').command).toEqual(['ip', 'addr', 'replace', `${AGENT_ADDRESS}/32`, 'dev', 'lo']);
    expect(container('agent-address').securityContext?.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN'] });
    const command = container('agent').command ?? [];
    expect(command.slice(0, 6)).toEqual(['python3', '/opt/pod-identity/agent.py', '--bind', AGENT_ADDRESS, '--port', '80']);
    expect(command.join(' ')).toContain('--associations-namespace k8s-sec-lab-system --associations-configmap pod-identity-associations');
  });

  it('runs the agent with no capability but binding port 80, on a read-only root filesystem', () => {
    expect(container('agent').securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
  });

  it("pins every image by its multi-arch index digest and bounds every container's resources", () => {
    const spec = podSpec();
    for (const each of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      expect(each.image, each.name).toMatch(PINNED_IMAGE);
      expect(each.resources?.limits, each.name).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
    }
  });
});
