import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifests/load.js';
import type { Container, KubeObject, PodTemplateSpec } from '../../../src/model/k8s.js';
import { addonsDir, codeConfigMaps } from '../../../tools/addons/code-configmap.js';
import { addonDir as imdsDir } from '../imds/imds-harness.js';
import { acquirerDir, acquirerTls } from './acquirer-harness.js';

const NAMESPACE = 'k8s-sec-lab-system';
const ACQUIRER = '203.0.113.10';
const IN_NODE_NETWORK_NAMESPACE = ['nsenter', '-t', '1', '-n'];

interface DaemonSet extends KubeObject {
  spec?: { template?: PodTemplateSpec & { spec?: { tolerations?: { operator?: string }[]; volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[] } } };
}

let objects: KubeObject[];
let imdsObjects: KubeObject[];

beforeAll(async () => {
  const load = async (dir: string) => (await loadManifests(dir, async () => '')).map((loaded) => loaded.object);
  [objects, imdsObjects] = await Promise.all([load(acquirerDir), load(imdsDir)]);
});

const find = (kind: string, name: string, from = objects): KubeObject => {
  const object = from.find((candidate) => candidate.kind === kind && candidate.metadata?.name === name);
  if (!object) throw new Error(`no ${kind} ${name}`);
  return object;
};
const podSpec = () => (find('DaemonSet', 'acquirer') as DaemonSet).spec!.template!.spec!;
const container = (name: string): Container => {
  const found = [...(podSpec().initContainers ?? []), ...(podSpec().containers ?? [])].find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};

describe('acquirer add-on manifests (labs/addons/acquirer)', () => {
  it('holds its DaemonSet, code and certificate in k8s-sec-lab-system, labelled as the lab\'s acquirer', () => {
    expect(objects.map((object) => `${object.kind}/${object.metadata?.name}`).sort()).toEqual(['ConfigMap/acquirer-server', 'DaemonSet/acquirer', `Namespace/${NAMESPACE}`, 'Secret/acquirer-tls']);
    for (const object of objects.filter((each) => each.kind !== 'Namespace')) {
      expect(object.metadata?.namespace).toBe(NAMESPACE);
      expect(object.metadata?.labels).toMatchObject({ 'app.kubernetes.io/name': 'acquirer', 'app.kubernetes.io/part-of': 'k8s-sec-lab' });
    }
  });

  it('applies exactly the Namespace the IMDS add-on applies (one field manager: a difference would strip the other\'s labels)', () => {
    expect(find('Namespace', NAMESPACE)).toEqual(find('Namespace', NAMESPACE, imdsObjects));
  });

  it('embeds server.py and the shared node-route.sh in the acquirer-server ConfigMap byte for byte', async () => {
    const data = (find('ConfigMap', 'acquirer-server') as { data?: Record<string, string> }).data ?? {};
    const { embedded, file: generated } = codeConfigMaps.acquirer;
    expect(Object.keys(data).sort()).toEqual(Object.keys(embedded).sort());
    for (const [key, file] of Object.entries(embedded)) {
      expect(data[key] === (await readFile(`${addonsDir}${file}`, 'utf8')), `labs/addons/${generated} is stale for ${file}: run npm run generate:addons`).toBe(true);
    }
  });

  it(`owns ${ACQUIRER} in its own pod network namespace (not hostNetwork), on every node`, () => {
    expect(podSpec().hostNetwork).toBe(false);
    expect(podSpec().tolerations).toContainEqual({ operator: 'Exists' });
    expect(container('acquirer-address').command).toEqual(['ip', 'addr', 'replace', `${ACQUIRER}/32`, 'dev', 'lo']);
    expect(container('server').command).toEqual(['python3', '/opt/acquirer/server.py', '--bind', ACQUIRER, '--port', '443', '--cert', '/etc/acquirer-tls/tls.crt', '--key', '/etc/acquirer-tls/tls.key']);
  });

  it(`routes ${ACQUIRER} on the node to the pod with node-route.sh in PID 1's network namespace only, and is Ready only while it does`, () => {
    expect(podSpec().hostPID).toBe(true);
    const nodeRoute = container('node-route');
    expect(nodeRoute.command).toEqual([...IN_NODE_NETWORK_NAMESPACE, 'sh', '/opt/acquirer/node-route.sh', 'keep']);
    expect(nodeRoute.readinessProbe?.exec?.command).toEqual([...IN_NODE_NETWORK_NAMESPACE, 'sh', '/opt/acquirer/node-route.sh', 'check']);
    expect(nodeRoute.env).toEqual([
      { name: 'ROUTED_ADDRESS', value: ACQUIRER },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ]);
  });

  it('runs the server unprivileged with the code and the certificate mounted read-only', () => {
    expect(container('server').securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(podSpec().volumes).toEqual([
      expect.objectContaining({ name: 'code', configMap: expect.objectContaining({ name: 'acquirer-server' }) }),
      expect.objectContaining({ name: 'tls', secret: expect.objectContaining({ secretName: 'acquirer-tls' }) }),
    ]);
  });

  it(`ships an obviously fake certificate for ${ACQUIRER} whose key matches it`, async () => {
    const { cert, key } = await acquirerTls();
    const x509 = new X509Certificate(cert);
    expect(x509.subject).toContain('O=k8s-sec-lab FAKE payment acquirer');
    expect(x509.subjectAltName).toContain(`IP Address:${ACQUIRER}`);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(createPublicKey(key).export({ format: 'pem', type: 'spki' })).toBe(x509.publicKey.export({ format: 'pem', type: 'spki' }));
  });
});
