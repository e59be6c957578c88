import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { addonManifests, installAddon, isAddonInstalled, removeAddon } from '../../../src/cluster/addons.js';
import { isolateCorefile, readClusterDnsIsolation } from '../../../src/cluster/coredns.js';
import type { KubeObject } from '../../../src/model/k8s.js';
import { readMarker, requireLabCluster } from '../../../src/cluster/guard.js';
import { probeNetworkPolicy } from '../../../src/cluster/netpol-probe.js';
import { KubeClient } from '../../../src/kube/client.js';
import { labClientIdentity } from '../../../src/names.js';
import { loadKubeAccess } from '../../../src/kube/config.js';
import { dockerRunning, kindVersionResponse, type FakeResponse } from '../../cluster/helpers/fake-bin.js';
import { labEnv, type LabEnv } from '../../cluster/helpers/lab-env.js';
import { runCliForTest } from '../../helpers/run-cli.js';
import { describeWithPlane } from '../setup/plane.js';
import { usePrivatePlane } from './private-plane.js';
import { noImageMap } from '../../../src/manifests/image-map.js';

interface AuditEvent {
  verb: string;
  user: { username: string };
  requestURI: string;
}

const writeVerbs = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

// One private plane, used in order: dry-run, adopt (refused, then confirmed), probe, up --existing, up with a substitute kind.
describeWithPlane('the lab cluster commands on a real API server', () => {
  const plane = usePrivatePlane();
  let client: KubeClient;
  let lab: LabEnv;
  const cli = (args: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
    runCliForTest([...args, '--kubeconfig', plane.state.kubeconfig], { env: { ...lab.env, ...options.env } });

  beforeAll(async () => {
    client = new KubeClient(await loadKubeAccess({ kubeconfig: plane.state.kubeconfig }), labClientIdentity);
    lab = await labEnv({});
  });
  afterAll(async () => {
    client?.close();
    await lab?.cleanup();
  });

  it('the IMDS add-on manifests pass a server-side dry run (namespace created for real first)', async () => {
    const objects = await addonManifests('imds', noImageMap);
    const [namespaces, rest] = [objects.filter((object) => object.kind === 'Namespace'), objects.filter((object) => object.kind !== 'Namespace')];
    expect(namespaces.map((object) => object.metadata?.name)).toEqual(['k8s-sec-lab-system']);
    // The server's ServiceAccount, Role and RoleBinding: it reads the planted attack flags (ConfigMap imds-flags) and nothing else.
    expect(rest.map((object) => object.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'DaemonSet', 'Role', 'RoleBinding', 'ServiceAccount']);
    for (const namespace of namespaces) await client.apply(namespace);
    for (const object of rest) {
      const answered = await client.apply(object, { dryRun: true });
      expect(answered).toMatchObject({ kind: object.kind, metadata: { name: object.metadata?.name, namespace: 'k8s-sec-lab-system' } });
    }
    // A dry run stores nothing.
    expect(await client.get({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, 'imds-emulator', 'k8s-sec-lab-system')).toBeUndefined();
  });

  it('adopt without --yes and without a terminal refuses, and sends no write request', async () => {
    await expect(requireLabCluster(client)).rejects.toThrow(/is not a lab cluster, so the lab will not change it/);
    const before = (await readFile(plane.state.auditLog, 'utf8')).length;

    const result = await cli(['adopt']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error: Mark context "${client.context}" (${plane.state.server}) as a lab cluster?`);
    expect(result.stderr).toContain('this needs a confirmation and there is no terminal to ask');

    const events = (await readFile(plane.state.auditLog, 'utf8'))
      .slice(before)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEvent)
      .filter((event) => event.user.username === plane.state.identities.admin.user);
    // The command did talk to the server (it looked for the marker) ...
    expect(events.some((event) => event.verb === 'get' && event.requestURI.includes('k8s-sec-lab-marker'))).toBe(true);
    // ... and wrote nothing.
    expect(events.filter((event) => writeVerbs.has(event.verb))).toEqual([]);
    await expect(requireLabCluster(client)).rejects.toThrow(/is not a lab cluster/);
  });

  it('adopt --yes marks the cluster, after which guarded operations pass', async () => {
    const result = await cli(['adopt', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^context ${client.context} \\(${plane.state.server}\\) is now a lab cluster \\(lab id [0-9a-f-]{36}\\)\\n$`));
    await expect(requireLabCluster(client)).resolves.toMatchObject({ markedBy: 'adopt', networkPolicyEnforced: 'unknown' });

    const again = await cli(['adopt']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('is already a lab cluster (marked by `adopt`');
  });

  it('the NetworkPolicy probe reports "unknown" on fake nodes and removes its namespace', async () => {
    const result = await probeNetworkPolicy(client, { namespace: 'netpol-probe-it', intervalMs: 200 });
    expect(result).toEqual({ enforced: 'unknown', detail: expect.stringMatching(/^node k8s-sec-lab-(control-plane|worker2?) has no container runtime \(kwok\)/) });
    const namespace = await client.get<{ status?: { phase?: string } }>({ apiVersion: 'v1', kind: 'Namespace' }, 'netpol-probe-it');
    expect(namespace === undefined || namespace.status?.phase === 'Terminating').toBe(true);
  });

  it('up --existing --yes installs the add-ons, probes, and keeps the cluster marked', async () => {
    const result = await cli(['up', '--existing', '--yes']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('– create the kind cluster');
    expect(result.stdout).toMatch(/✓ install the lab add-ons +\(\d+\.\ds\) installed imds/);
    expect(result.stdout).toContain('NetworkPolicy enforced: unknown');
    expect(await client.get({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, 'imds-emulator', 'k8s-sec-lab-system')).toBeDefined();
    expect(await readMarker(client)).toMatchObject({ markedBy: 'adopt', networkPolicyEnforced: 'unknown' });
  });

  it('the acquirer add-on is installed with the others: its DaemonSet runs a (kwok) pod on every node, and removeAddon takes it away but keeps the shared Namespace', async () => {
    const daemonSets = { apiVersion: 'apps/v1', kind: 'DaemonSet' } as const;
    const nodes = (await client.list({ apiVersion: 'v1', kind: 'Node' })).length;
    await expect
      .poll(async () => (await client.get<{ status?: { numberAvailable?: number } } & KubeObject>(daemonSets, 'acquirer', 'k8s-sec-lab-system'))?.status?.numberAvailable, { timeout: 30_000, interval: 500 })
      .toBe(nodes);
    const pods = await client.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'k8s-sec-lab-system', labelSelector: 'app.kubernetes.io/name=acquirer' });
    expect(pods).toHaveLength(nodes);
    expect(await isAddonInstalled(client, 'acquirer')).toBe(true);

    expect(await removeAddon(client, 'acquirer')).toBe(3);
    expect(await isAddonInstalled(client, 'acquirer')).toBe(false);
    expect(await client.get({ apiVersion: 'v1', kind: 'Secret' }, 'acquirer-tls', 'k8s-sec-lab-system')).toBeUndefined();
    expect(await client.get({ apiVersion: 'v1', kind: 'ConfigMap' }, 'acquirer-server', 'k8s-sec-lab-system')).toBeUndefined();
    expect(await client.get({ apiVersion: 'v1', kind: 'Namespace' }, 'k8s-sec-lab-system')).toBeDefined();
    expect(await client.get(daemonSets, 'imds-emulator', 'k8s-sec-lab-system')).toBeDefined();
    expect(await removeAddon(client, 'acquirer')).toBe(0);
    await installAddon(client, 'acquirer', () => {}, noImageMap);
    expect(await isAddonInstalled(client, 'acquirer')).toBe(true);
  });

  it('up --existing --yes --isolated-dns rewrites kubeadm\'s CoreDNS without its upstream and restarts it; a second run leaves it alone', async () => {
    const corefile = await readFile(new URL('../../fixtures/cluster/coredns/Corefile.kubeadm-1.36', import.meta.url), 'utf8');
    // Created, not applied, as kubeadm creates them: the lab's apply then owns only the fields it sets.
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: corefile } });
    const labels = { 'k8s-app': 'kube-dns' };
    await client.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.14.2' }] } } },
    });
    expect(await readClusterDnsIsolation(client)).toEqual({ isolated: false, upstreams: ['.:53: forward . /etc/resolv.conf'] });

    const result = await cli(['up', '--existing', '--yes', '--isolated-dns']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/✓ isolate cluster DNS \(CoreDNS without upstream\) +\(\d+\.\ds\) removed \.:53: forward \. \/etc\/resolv\.conf; CoreDNS restarted and answers cluster names only/);
    const live = await client.get<KubeObject & { data: { Corefile: string } }>({ apiVersion: 'v1', kind: 'ConfigMap' }, 'coredns', 'kube-system');
    expect(live?.data.Corefile).toBe(isolateCorefile(corefile));
    const deployment = await client.get<KubeObject & { spec: { template: { metadata: { annotations?: Record<string, string> } } } }>({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'coredns', 'kube-system');
    expect(deployment?.spec.template.metadata.annotations?.['k8s-sec-lab/isolated-dns-at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await readClusterDnsIsolation(client)).toEqual({ isolated: true, upstreams: [] });

    const again = await cli(['up', '--existing', '--yes'], { env: { K8S_SEC_LAB_ISOLATED_DNS: '1' } });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/✓ isolate cluster DNS \(CoreDNS without upstream\) +\(\d+\.\ds\) CoreDNS already has no upstream/);
  });

  /** A substitute kind whose cluster is this plane: kind's kubeconfig names the context kind-k8s-sec-lab, so the plane's is renamed. */
  async function kindServingThePlane(clusters: FakeResponse[]): Promise<LabEnv> {
    const kubeconfig = parse(await readFile(plane.state.kubeconfig, 'utf8')) as { contexts: { name: string }[]; 'current-context': string };
    kubeconfig.contexts[0]!.name = 'kind-k8s-sec-lab';
    kubeconfig['current-context'] = 'kind-k8s-sec-lab';
    const kind = await labEnv({
      docker: { 'info --format': dockerRunning },
      kind: { version: kindVersionResponse('v0.33.0'), 'get clusters': clusters, 'get kubeconfig': { stdout: stringify(kubeconfig) } },
    });
    await writeFile(join(kind.home, 'kubeconfig'), stringify(kubeconfig));
    return kind;
  }

  it('up creates the cluster with kind, then reports kind\'s time apart from the lab\'s own steps', async () => {
    const kind = await kindServingThePlane([{ stderr: 'No kind clusters found.\n' }, { stdout: 'k8s-sec-lab\n' }]);
    try {
      const result = await runCliForTest(['up', '--yes'], { env: kind.env });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/✓ create the kind cluster +\(\d+\.\ds\) created kind cluster k8s-sec-lab \(kind v0\.33\.0 on docker, node image kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64} from labs\/cluster\/kind\.yaml\)\n/);
      // The e2e workflow reads this line to report the lab's overhead beyond kind create cluster.
      expect(result.stdout).toMatch(/\nlab cluster ready in \d+\.\ds \(kind create cluster \d+\.\ds, the lab's own steps \d+\.\ds\); context kind-k8s-sec-lab; NetworkPolicy enforced: unknown\./);
      const configFile = join(kind.env.K8S_SEC_LAB_HOME!, 'cache', 'kind-config.yaml');
      expect((await kind.bin.calls('kind')).map((call) => call.args)).toEqual([
        ['version'],
        ['get', 'clusters'],
        ['create', 'cluster', '--name', 'k8s-sec-lab', '--config', configFile],
        ['get', 'kubeconfig', '--name', 'k8s-sec-lab'],
      ]);
    } finally {
      await kind.cleanup();
    }
  });

  it('up reuses a healthy "kind" cluster instead of recreating it', async () => {
    const kind = await kindServingThePlane([{ stdout: 'k8s-sec-lab\n' }]);
    try {
      const result = await runCliForTest(['up', '--yes'], { env: kind.env });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/\n– create the kind cluster +kind cluster k8s-sec-lab already exists and is healthy \(3 nodes Ready\): reusing it\n/);
      expect(result.stdout).toMatch(/✓ wait for the API server and the nodes +\(\d+\.\ds\) 3 nodes Ready/);
      expect(result.stdout).toMatch(/lab cluster ready in \d+\.\ds; context kind-k8s-sec-lab; NetworkPolicy enforced: unknown\./);
      expect((await kind.bin.calls('kind')).map((call) => call.args)).toEqual([['version'], ['get', 'clusters'], ['get', 'kubeconfig', '--name', 'k8s-sec-lab']]);
    } finally {
      await kind.cleanup();
    }
  });
});
