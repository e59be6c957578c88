import { describe, expect, it } from 'vitest';
import { checkSchema, watchTargets, type CheckSpec } from '../../../src/grading/kinds/registry.js';

const hints = { nudge: 'n', concept: 'c', command: 'k' };
const objectState = (expect: unknown[], object: Record<string, unknown> = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' }) => ({
  id: 'api-hardened',
  title: 'the api is hardened',
  kind: 'object-state',
  hints,
  object,
  expect,
});

/** The messages of every problem zod finds, with their paths, as an author would read them. */
function problems(check: unknown): string[] {
  const result = checkSchema.safeParse(check);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('the check schema catches authoring mistakes at load time', () => {
  it('accepts a well-formed check and applies defaults', () => {
    const parsed = checkSchema.parse(objectState([{ path: 'spec.replicas', op: 'gte', value: 1 }])) as Extract<CheckSpec, { kind: 'object-state' }>;
    expect(parsed.role).toBe('fix');
    expect(parsed.mustExist).toBe(true);
  });

  it('refuses an equals without a value instead of reading it as "field absent"', () => {
    expect(problems(objectState([{ path: 'spec.replicas', op: 'equals' }]))).toEqual([expect.stringContaining('expect.0.value')]);
  });

  it('refuses a value on an operator that takes none, and a non-number for gte', () => {
    expect(problems(objectState([{ path: 'spec.x', op: 'exists', value: true }]))).not.toEqual([]);
    expect(problems(objectState([{ path: 'spec.replicas', op: 'gte', value: '1' }]))).not.toEqual([]);
  });

  it('parses field paths and compiles regexes when loading', () => {
    expect(problems(objectState([{ path: 'spec..containers', op: 'exists' }]))).toEqual([expect.stringMatching(/expect\.0\.path: invalid field path/)]);
    expect(problems(objectState([{ path: 'spec.x', op: 'matches', value: '([a-z' }]))).toEqual([expect.stringMatching(/expect\.0\.value: is not a valid regular expression/)]);
  });

  it('resolves the kinds a check reads, and wants a namespace for namespaced ones', () => {
    expect(problems(objectState([], { apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'shop' }))).toEqual([
      expect.stringContaining('object.kind: the lab cannot read example.com/v1 Widget'),
    ]);
    expect(problems(objectState([], { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }))).toEqual([expect.stringContaining('object.namespace')]);
  });

  it("runs a kind's own load-time refinement (a runtime probe that expects nothing)", () => {
    const probe = { id: 'probe', title: 'probe', kind: 'runtime-probe', hints, from: { namespace: 'shop' }, command: ['true'], expect: {} };
    expect(problems(probe)).toEqual([expect.stringContaining('expect: expects nothing')]);
  });

  it('validates rbac power sets at load time: known presets, kubectl spellings, something to judge', () => {
    const rbac = (extra: Record<string, unknown>) => ({ id: 'powers', title: 'powers', kind: 'rbac', hints, subject: { serviceAccount: { namespace: 'ops', name: 'app' } }, ...extra });
    expect(problems(rbac({ deny: ['secrets-read', { verbs: ['create'], resources: ['pods/exec'] }], allow: [{ verbs: ['get'], resources: ['services/proxy'], namespace: 'ops' }] }))).toEqual([]);
    expect(problems(rbac({ deny: ['secret-read'] }))).not.toEqual([]);
    expect(problems(rbac({ deny: [{ verbs: ['get'], resources: ['Secrets'] }] }))).toEqual([expect.stringContaining('deny.0: resource "Secrets" is not of the form plural[.group][/subresource]')]);
    expect(problems(rbac({ deny: ['secrets-read'], except: [{ verbs: ['get'], resource: 'configmaps', name: 'cluster-info', namespace: 'kube-public' }] }))).toEqual([]);
    expect(problems(rbac({ deny: ['secrets-read'], except: [{ verbs: ['get'], resource: 'configmaps', namespace: 'kube-public' }] }))).not.toEqual([]);
    expect(problems(rbac({ deny: ['secrets-read'], except: [{ verbs: ['get'], resource: 'ConfigMaps', name: 'x' }] }))).toEqual([expect.stringContaining('except.0: resource "ConfigMaps"')]);
    expect(problems(rbac({}))).toEqual([expect.stringContaining('give deny, allow or both')]);
  });

  it('wants admission-denied to replay something, and takes reasonContains as optional', () => {
    const admission = (extra: Record<string, unknown>) => ({ id: 'refused', title: 'refused', kind: 'admission-denied', hints, namespace: 'ops', ...extra });
    expect(problems(admission({ manifest: 'attack/pod.yaml' }))).toEqual([]);
    expect(problems(admission({ manifests: ['attack/pod.yaml', 'attack/deployment.yaml'], reasonContains: 'PodSecurity' }))).toEqual([]);
    expect(problems(admission({}))).toEqual([expect.stringContaining('give manifest or manifests')]);
  });

  it('wants imds-settings to expect something, with a hop limit the emulator accepts', () => {
    const imds = (extra: Record<string, unknown>) => ({ id: 'imds', title: 'imds', kind: 'imds-settings', hints, ...extra });
    expect(problems(imds({ expect: { httpTokens: 'required', hopLimitAtMost: 1 } }))).toEqual([]);
    expect(problems(imds({ expect: {} }))).toEqual([expect.stringContaining('expect: expects nothing')]);
    expect(problems(imds({ expect: { hopLimitAtMost: 0 } }))).not.toEqual([]);
    expect(problems(imds({ source: 'metadata', expect: { httpEndpoint: 'enabled' } }))).not.toEqual([]);
  });

  it('refuses an unknown kind, naming the kinds there are', () => {
    expect(problems({ id: 'x', title: 'x', kind: 'object-sate', hints })).toEqual([expect.stringContaining('object-state')]);
  });
});

describe('watch targets come from the kinds themselves', () => {
  it('collects one target per (kind, namespace), through any-of', () => {
    const checks = [
      checkSchema.parse(objectState([])),
      checkSchema.parse({
        id: 'either',
        title: 'either',
        kind: 'any-of',
        hints,
        checks: [
          { id: 'a', title: 'a', kind: 'pod-security', pods: { namespace: 'shop' }, level: 'baseline' },
          { id: 'b', title: 'b', kind: 'event-state', namespace: 'shop', about: { kind: 'ReplicaSet', name: 'api-1' }, reason: 'FailedCreate' },
        ],
      }),
    ];
    expect(watchTargets(checks).map((target) => `${target.kind}@${target.namespace ?? '*'}`).sort()).toEqual([
      'CronJob@shop',
      'DaemonSet@shop',
      'Deployment@shop',
      'Event@shop',
      'Job@shop',
      'Pod@shop',
      'ReplicaSet@shop',
      'ReplicationController@shop',
      'StatefulSet@shop',
    ]);
  });
});

describe('workload kinds validate their fields at load time', () => {
  const workload = (extra: Record<string, unknown>) => ({ id: 'w', title: 'w', kind: 'workload', hints, namespaces: ['ops'], ...extra });

  it('accepts an argv predicate on kubectl proxy', () => {
    expect(problems(workload({ argv: { program: 'kubectl proxy', expect: [{ path: 'listen', op: 'in', value: ['loopback', 'unix-socket'] }] } }))).toEqual([]);
  });

  it('refuses a check that expects nothing, an unknown program, and a fact the program does not report', () => {
    expect(problems(workload({}))).toEqual([expect.stringContaining('expects nothing')]);
    expect(problems(workload({ argv: { program: 'nginx', expect: [{ path: 'listen', op: 'exists' }] } }))).toEqual([expect.stringContaining('argv.program')]);
    expect(problems(workload({ argv: { program: 'kubectl proxy', expect: [{ path: 'adress', op: 'exists' }] } }))).toEqual([
      expect.stringMatching(/argv\.expect\.0\.path: kubectl proxy reports listen, address, .*"adress" is none of them/),
    ]);
  });

  it('refuses nodes on a workload-running check of a Deployment', () => {
    const running = { id: 'r', title: 'r', kind: 'workload-running', hints, namespace: 'ops', workload: { kind: 'Deployment', selector: { matchLabels: { app: 'x' } } }, nodes: {} };
    expect(problems(running)).toEqual([expect.stringContaining('nodes: only a DaemonSet')]);
    expect(problems({ ...running, workload: { ...running.workload, kind: 'DaemonSet' } })).toEqual([]);
  });
});

describe('api-request and admission-allowed fields are checked when loading', () => {
  const apiRequest = (fields: Record<string, unknown>) => ({ id: 'set-image-refused', title: 't', kind: 'api-request', hints, ...fields });
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

  it('accepts a dry-run patch of a live object and a GET by path', () => {
    expect(problems(apiRequest({ method: 'PATCH', patch: 'strategic', object: deployment, body: { spec: {} }, expect: { admission: 'refused' } }))).toEqual([]);
    expect(problems(apiRequest({ path: '/api/v1/namespaces/shop/secrets', as: { user: 'system:anonymous', groups: ['system:unauthenticated'] }, expect: { status: [401, 403] } }))).toEqual([]);
  });

  it('refuses a request with nowhere to go, or two places', () => {
    expect(problems(apiRequest({ expect: { status: 200 } }))).toEqual([expect.stringContaining('give either path or object')]);
    expect(problems(apiRequest({ path: '/api', object: deployment, expect: { status: 200 } }))).toEqual([expect.stringContaining('give either path or object')]);
  });

  it('refuses a PATCH without a patch type, admission on a GET, and a check that expects nothing', () => {
    expect(problems(apiRequest({ method: 'PATCH', object: deployment, expect: { admission: 'refused' } }))).toEqual([expect.stringContaining('patch: a PATCH needs patch')]);
    expect(problems(apiRequest({ object: deployment, expect: { admission: 'refused' } }))).toEqual([expect.stringContaining('a GET passes no admission')]);
    expect(problems(apiRequest({ object: deployment, expect: {} }))).toEqual([expect.stringContaining('say what the answer must be')]);
  });

  it('accepts a request with no credentials, and refuses one that also names a subject to impersonate', () => {
    expect(problems(apiRequest({ path: '/readyz', credentials: 'none', expect: { status: 200 } }))).toEqual([]);
    expect(problems(apiRequest({ path: '/api/v1/pods', credentials: 'none', as: { user: 'system:anonymous' }, expect: { status: 403 } }))).toEqual([expect.stringContaining('credentials: none sends no identity')]);
  });

  it('refuses query parameters written into the path, and an admission-allowed check without manifests', () => {
    expect(problems(apiRequest({ path: '/api/v1/pods?limit=1', expect: { status: 200 } }))).toEqual([expect.stringContaining('query parameters go in query')]);
    expect(problems({ id: 'ok-pod-admitted', title: 't', kind: 'admission-allowed', hints, namespace: 'shop' })).toEqual([expect.stringContaining('give manifest or manifests')]);
  });
});
