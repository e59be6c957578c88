import { hardeningFindings } from '../src/engines/hardening/index.js';
import { evaluatePodSecurity, podTemplateOf } from '../src/engines/pod-security/index.js';
import { runCliForTest } from '../test/helpers/run-cli.js';
import { medianMs, type BenchRow, type BenchSuite } from './harness.js';

const podCount = 5_000;

/** Pods of every kind the lab meets: restricted, baseline, privileged, multi-container, with volumes and probes. */
function generatePods(count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => {
    const hardened = i % 3 === 0;
    const container = (name: string) => ({
      name,
      image: hardened ? `registry.example/${name}:1.${i % 10}` : 'nginx',
      ports: [{ containerPort: 8080, ...(i % 7 === 0 ? { hostPort: 8080 } : {}) }],
      env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }],
      readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
      resources: hardened ? { limits: { cpu: '250m', memory: '128Mi' } } : {},
      securityContext: hardened
        ? { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }
        : { privileged: i % 5 === 0, capabilities: { add: i % 2 === 0 ? ['NET_ADMIN'] : ['CHOWN'] } },
    });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: `team-${i % 20}`, annotations: { 'example.com/owner': 'bench' } },
      spec: {
        hostNetwork: i % 11 === 0,
        securityContext: hardened ? { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } : { runAsUser: i % 2 },
        initContainers: [container('init')],
        containers: [container('app'), container('sidecar')],
        volumes: [{ name: 'config', configMap: { name: 'app' } }, ...(i % 13 === 0 ? [{ name: 'host', hostPath: { path: '/' } }] : [])],
      },
    };
  });
}

/** What `audit` does per object, without reading or printing. */
function auditAll(pods: readonly unknown[]): number {
  let problems = 0;
  for (const pod of pods) {
    const template = podTemplateOf(pod);
    if (template.status !== 'template') continue;
    problems += evaluatePodSecurity(template.metadata, template.spec, { paths: template.paths }).violations.length;
    problems += hardeningFindings(template.spec, { paths: template.paths }).length;
  }
  return problems;
}

async function auditCommandJson(stdin: string): Promise<void> {
  await runCliForTest(['audit', '-f', '-', '--json'], { stdin });
}

export const bench: BenchSuite = async (): Promise<BenchRow[]> => {
  const pods = generatePods(podCount);
  // A CLI run is always a first run: time one before the JIT has seen the engines.
  const firstRun = await medianMs(() => auditAll(pods), { runs: 1, warmup: 0 });
  const copyBaseline = await medianMs(() => JSON.parse(JSON.stringify(pods)));
  const evaluate = await medianMs(() => auditAll(pods));
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods });
  const parseBaseline = await medianMs(() => JSON.parse(list), { runs: 3 });
  const command = await medianMs(() => auditCommandJson(list), { runs: 3, warmup: 0 });
  return [
    {
      name: `audit engines, first run: ${podCount} pods`,
      ms: firstRun,
      baselineName: 'JSON copy of the pods',
      baselineMs: copyBaseline,
      goalMs: 1000,
    },
    {
      name: `audit engines: ${podCount} pods (PSS + hardening)`,
      ms: evaluate,
      baselineName: 'JSON copy of the pods',
      baselineMs: copyBaseline,
      goalMs: 1000,
    },
    {
      name: `audit -f - --json: ${podCount} pods (read, evaluate, print)`,
      ms: command,
      baselineName: 'JSON.parse of the input',
      baselineMs: parseBaseline,
    },
  ];
};
