import { describe, expect, it } from 'vitest';
import { appContext, evaluate, failingChecks, restrictedSpec } from './helpers.js';

describe('a pod that meets restricted', () => {
  it('reports the level restricted and no violations', () => {
    expect(evaluate(restrictedSpec())).toEqual({ level: 'restricted', violations: [] });
  });
});

describe('restrictedVolumes', () => {
  it('rejects a non-core volume type at restricted only', () => {
    const result = evaluate({ ...restrictedSpec(), volumes: [{ name: 'share', nfs: { server: 'nfs.example', path: '/' } }] });
    expect(result.level).toBe('baseline');
    expect(result.violations).toEqual([
      expect.objectContaining({ check: 'restrictedVolumes', level: 'restricted', path: 'spec.volumes[0].nfs', message: expect.stringContaining('"nfs"') }),
    ]);
  });

  it('allows core volume types, and a volume without a source (the API server defaults it to emptyDir)', () => {
    const volumes = [
      { name: 'config', configMap: { name: 'app' } },
      { name: 'token', projected: { sources: [] } },
      { name: 'scratch', emptyDir: {} },
      { name: 'defaulted' },
    ];
    expect(evaluate({ ...restrictedSpec(), volumes }).level).toBe('restricted');
  });
});

describe('allowPrivilegeEscalation', () => {
  it('requires it to be explicitly false: unset fails', () => {
    const spec = restrictedSpec();
    delete appContext(spec).allowPrivilegeEscalation;
    expect(evaluate(spec).violations).toEqual([
      expect.objectContaining({
        check: 'allowPrivilegeEscalation',
        level: 'restricted',
        path: 'spec.containers[0].securityContext.allowPrivilegeEscalation',
        message: expect.stringContaining('must be explicitly false'),
      }),
    ]);
  });

  it('rejects true, and checks init and ephemeral containers too', () => {
    const spec = restrictedSpec();
    appContext(spec).allowPrivilegeEscalation = true;
    spec.initContainers = [{ name: 'init', image: 'busybox:1.36' }];
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36' }];
    const paths = evaluate(spec)
      .violations.filter((violation) => violation.check === 'allowPrivilegeEscalation')
      .map((violation) => violation.path);
    expect(paths).toEqual([
      'spec.initContainers[0].securityContext.allowPrivilegeEscalation',
      'spec.containers[0].securityContext.allowPrivilegeEscalation',
      'spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation',
    ]);
  });

  it('exists from policy v1.8', () => {
    const spec = restrictedSpec();
    delete appContext(spec).allowPrivilegeEscalation;
    expect(failingChecks(evaluate(spec, { version: 'v1.8' }))).toEqual(['allowPrivilegeEscalation']);
    expect(evaluate(spec, { version: 'v1.7' }).level).toBe('restricted');
  });
});

describe('runAsNonRoot', () => {
  it('is not satisfied by runAsUser > 0 alone, and the message says so', () => {
    const spec = restrictedSpec();
    delete spec.securityContext.runAsNonRoot;
    appContext(spec).runAsUser = 1000;
    const [violation] = evaluate(spec).violations;
    expect(violation).toMatchObject({
      check: 'runAsNonRoot',
      path: 'spec.containers[0].securityContext.runAsNonRoot',
      message: expect.stringContaining('runAsUser=1000 alone does not satisfy'),
      fix: expect.stringContaining('spec.securityContext.runAsNonRoot: true'),
    });
  });

  it('is inherited from the pod: containers may leave it unset', () => {
    expect(evaluate(restrictedSpec()).level).toBe('restricted');
  });

  it('is satisfied by every container setting it when the pod does not', () => {
    const spec = restrictedSpec();
    delete spec.securityContext.runAsNonRoot;
    appContext(spec).runAsNonRoot = true;
    expect(evaluate(spec).level).toBe('restricted');
  });

  it('rejects a container that sets false even when the pod sets true', () => {
    const spec = restrictedSpec();
    appContext(spec).runAsNonRoot = false;
    expect(evaluate(spec).violations).toEqual([
      expect.objectContaining({ check: 'runAsNonRoot', path: 'spec.containers[0].securityContext.runAsNonRoot' }),
    ]);
  });

  it('rejects the pod setting false, reported at the pod', () => {
    const spec = restrictedSpec();
    spec.securityContext.runAsNonRoot = false;
    appContext(spec).runAsNonRoot = true;
    expect(evaluate(spec).violations.map((violation) => violation.path)).toEqual(['spec.securityContext.runAsNonRoot']);
  });

  it('is relaxed in a user namespace (hostUsers: false) from v1.35', () => {
    const spec = { ...restrictedSpec(), hostUsers: false };
    delete spec.securityContext.runAsNonRoot;
    expect(evaluate(spec, { version: 'v1.35' }).level).toBe('restricted');
    expect(failingChecks(evaluate(spec, { version: 'v1.34' }))).toEqual(['runAsNonRoot']);
  });
});

describe('runAsUser', () => {
  it('rejects UID 0 on the pod and on a container', () => {
    const spec = restrictedSpec();
    spec.securityContext.runAsUser = 0;
    appContext(spec).runAsUser = 0;
    expect(evaluate(spec).violations.map((violation) => [violation.check, violation.path])).toEqual([
      ['runAsUser', 'spec.securityContext.runAsUser'],
      ['runAsUser', 'spec.containers[0].securityContext.runAsUser'],
    ]);
  });

  it('exists from v1.23 and is relaxed in a user namespace from v1.35', () => {
    const spec = restrictedSpec();
    appContext(spec).runAsUser = 0;
    expect(evaluate(spec, { version: 'v1.22' }).level).toBe('restricted');
    expect(failingChecks(evaluate(spec, { version: 'v1.23' }))).toEqual(['runAsUser']);
    expect(evaluate({ ...spec, hostUsers: false }, { version: 'v1.35' }).level).toBe('restricted');
    expect(failingChecks(evaluate({ ...spec, hostUsers: false }, { version: 'v1.34' }))).toEqual(['runAsUser']);
  });
});

describe('seccompProfile_restricted', () => {
  it('requires a profile: unset on the pod and the container fails', () => {
    const spec = restrictedSpec();
    delete spec.securityContext.seccompProfile;
    expect(evaluate(spec).violations).toEqual([
      expect.objectContaining({
        check: 'seccompProfile_restricted',
        path: 'spec.containers[0].securityContext.seccompProfile.type',
        fix: expect.stringContaining('spec.securityContext.seccompProfile.type: RuntimeDefault'),
      }),
    ]);
  });

  it('is satisfied by Localhost on every container when the pod sets none', () => {
    const spec = restrictedSpec();
    delete spec.securityContext.seccompProfile;
    appContext(spec).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' };
    expect(evaluate(spec).level).toBe('restricted');
  });

  it('rejects a container that sets Unconfined although the pod sets RuntimeDefault', () => {
    const spec = restrictedSpec();
    appContext(spec).seccompProfile = { type: 'Unconfined' };
    const result = evaluate(spec);
    expect(result.level).toBe('privileged');
    expect(result.violations.map((violation) => [violation.check, violation.path])).toEqual([
      ['seccompProfile_baseline', 'spec.containers[0].securityContext.seccompProfile.type'],
      ['seccompProfile_restricted', 'spec.containers[0].securityContext.seccompProfile.type'],
    ]);
  });

  it('does not exist before v1.19', () => {
    const spec = restrictedSpec();
    delete spec.securityContext.seccompProfile;
    expect(evaluate(spec, { version: 'v1.18' }).level).toBe('restricted');
  });
});

describe('capabilities_restricted', () => {
  it('requires drop ALL: no capabilities at all fails at the drop field', () => {
    const spec = restrictedSpec();
    delete appContext(spec).capabilities;
    expect(evaluate(spec).violations).toEqual([
      expect.objectContaining({ check: 'capabilities_restricted', path: 'spec.containers[0].securityContext.capabilities.drop' }),
    ]);
  });

  it('compares ALL exactly: drop ["all"] fails and the message says how to spell it', () => {
    const spec = restrictedSpec();
    appContext(spec).capabilities = { drop: ['all'] };
    expect(evaluate(spec).violations[0]!.message).toContain('"all" -> "ALL"');
  });

  it('allows adding NET_BIND_SERVICE only', () => {
    const spec = restrictedSpec();
    appContext(spec).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
    expect(evaluate(spec).level).toBe('restricted');
  });

  it('exists from v1.22', () => {
    const spec = restrictedSpec();
    delete appContext(spec).capabilities;
    expect(evaluate(spec, { version: 'v1.21' }).level).toBe('restricted');
    expect(failingChecks(evaluate(spec, { version: 'v1.22' }))).toEqual(['capabilities_restricted']);
  });
});

describe('Windows pods (spec.os.name: windows)', () => {
  const windowsPod = () => ({
    os: { name: 'windows' },
    securityContext: { runAsNonRoot: true },
    containers: [{ name: 'app', image: 'mcr.microsoft.com/windows/nanoserver:ltsc2022' }],
  });

  it('skip allowPrivilegeEscalation, seccompProfile_restricted and capabilities_restricted from v1.25', () => {
    expect(evaluate(windowsPod(), { version: 'v1.25' })).toEqual({ level: 'restricted', violations: [] });
  });

  it('are held to those checks before v1.25', () => {
    expect(failingChecks(evaluate(windowsPod(), { version: 'v1.24' }))).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'seccompProfile_restricted',
    ]);
  });
});

describe('violation order', () => {
  it('lists baseline checks first, then restricted, each by check ID as upstream does', () => {
    const spec = { hostPID: true, containers: [{ name: 'app', image: 'app:1', securityContext: { privileged: true } }] };
    expect(failingChecks(evaluate(spec))).toEqual([
      'hostNamespaces',
      'privileged',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
  });
});
