import { describe, expect, it } from 'vitest';
import { appContext, evaluate, failingChecks, restrictedSpec } from './helpers.js';

describe('privileged', () => {
  it.each([
    ['initContainers', 'spec.initContainers[0].securityContext.privileged'],
    ['containers', 'spec.containers[0].securityContext.privileged'],
    ['ephemeralContainers', 'spec.ephemeralContainers[0].securityContext.privileged'],
  ])('rejects a privileged container in %s', (list, path) => {
    const spec = { [list]: [{ name: 'box', image: 'busybox:1.36', securityContext: { privileged: true } }] };
    const result = evaluate(spec);
    expect(result.level).toBe('privileged');
    expect(result.violations).toContainEqual({
      check: 'privileged',
      level: 'baseline',
      path,
      message: 'container "box" sets privileged=true; allowed: false or unset',
      fix: expect.stringContaining('securityContext.privileged'),
    });
  });

  it('allows privileged: false', () => {
    const spec = restrictedSpec();
    appContext(spec).privileged = false;
    expect(evaluate(spec)).toEqual({ level: 'restricted', violations: [] });
  });

  it('fails closed on a value that is not a boolean', () => {
    const spec = restrictedSpec();
    appContext(spec).privileged = 'true';
    expect(evaluate(spec).violations[0]).toMatchObject({ check: 'privileged', message: expect.stringContaining('privileged="true"') });
  });
});

describe('hostNamespaces', () => {
  it.each(['hostNetwork', 'hostPID', 'hostIPC'])('rejects %s: true at spec.%s', (field) => {
    const result = evaluate({ ...restrictedSpec(), [field]: true });
    expect(result.level).toBe('privileged');
    expect(result.violations).toEqual([expect.objectContaining({ check: 'hostNamespaces', path: `spec.${field}` })]);
  });

  it('allows them set to false', () => {
    expect(evaluate({ ...restrictedSpec(), hostNetwork: false, hostPID: false, hostIPC: false }).level).toBe('restricted');
  });
});

describe('hostPathVolumes', () => {
  it('rejects a hostPath volume at baseline, and restrictedVolumes overrides it at restricted', () => {
    const spec = { ...restrictedSpec(), volumes: [{ name: 'sock', hostPath: { path: '/var/run/containerd/containerd.sock' } }] };
    const result = evaluate(spec);
    expect(result.level).toBe('privileged');
    expect(result.violations).toEqual([
      expect.objectContaining({
        check: 'hostPathVolumes',
        level: 'baseline',
        path: 'spec.volumes[0].hostPath',
        message: expect.stringContaining('"/var/run/containerd/containerd.sock"'),
      }),
      expect.objectContaining({ check: 'restrictedVolumes', level: 'restricted', path: 'spec.volumes[0].hostPath' }),
    ]);
  });
});

describe('hostPorts', () => {
  it('rejects a hostPort and points at the port entry', () => {
    const spec = restrictedSpec();
    spec.containers[0]!.ports = [{ containerPort: 80 }, { containerPort: 8080, hostPort: 8080 }];
    expect(evaluate(spec).violations).toEqual([
      expect.objectContaining({ check: 'hostPorts', path: 'spec.containers[0].ports[1].hostPort', message: expect.stringContaining('hostPort 8080') }),
    ]);
  });

  it('allows hostPort 0 (unset)', () => {
    const spec = restrictedSpec();
    spec.containers[0]!.ports = [{ containerPort: 8080, hostPort: 0 }];
    expect(evaluate(spec).level).toBe('restricted');
  });
});

describe('appArmorProfile', () => {
  it('rejects type Unconfined on the pod and on a container', () => {
    const spec = restrictedSpec();
    spec.securityContext.appArmorProfile = { type: 'Unconfined' };
    appContext(spec).appArmorProfile = { type: 'Unconfined' };
    expect(evaluate(spec).violations.map((violation) => violation.path)).toEqual([
      'spec.securityContext.appArmorProfile.type',
      'spec.containers[0].securityContext.appArmorProfile.type',
    ]);
  });

  it.each(['RuntimeDefault', 'Localhost'])('allows type %s', (type) => {
    const spec = restrictedSpec();
    appContext(spec).appArmorProfile = { type, localhostProfile: 'k8s-app' };
    expect(evaluate(spec).level).toBe('restricted');
  });

  it('rejects an unconfined beta annotation and names it in the path', () => {
    const metadata = { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } };
    expect(evaluate(restrictedSpec(), { metadata }).violations).toEqual([
      expect.objectContaining({
        check: 'appArmorProfile',
        path: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
      }),
    ]);
  });

  it.each(['runtime/default', 'localhost/k8s-app', ''])('allows the annotation value %j', (value) => {
    const metadata = { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': value } };
    expect(evaluate(restrictedSpec(), { metadata }).level).toBe('restricted');
  });
});

describe('seLinuxOptions', () => {
  it('rejects a custom type, user and role, each at its own path', () => {
    const spec = restrictedSpec();
    spec.securityContext.seLinuxOptions = { type: 'spc_t', user: 'system_u', role: 'system_r' };
    expect(evaluate(spec).violations.map((violation) => [violation.check, violation.path])).toEqual([
      ['seLinuxOptions', 'spec.securityContext.seLinuxOptions.type'],
      ['seLinuxOptions', 'spec.securityContext.seLinuxOptions.user'],
      ['seLinuxOptions', 'spec.securityContext.seLinuxOptions.role'],
    ]);
  });

  it.each(['container_t', 'container_init_t', 'container_kvm_t', ''])('allows type %j and a level', (type) => {
    const spec = restrictedSpec();
    appContext(spec).seLinuxOptions = { type, level: 's0:c123,c456' };
    expect(evaluate(spec).level).toBe('restricted');
  });

  it('allows container_engine_t from v1.31 only', () => {
    const spec = restrictedSpec();
    appContext(spec).seLinuxOptions = { type: 'container_engine_t' };
    expect(evaluate(spec, { version: 'v1.31' }).level).toBe('restricted');
    expect(failingChecks(evaluate(spec, { version: 'v1.30' }))).toEqual(['seLinuxOptions']);
  });
});

describe('procMount', () => {
  it('rejects Unmasked at baseline and, from 1.35, at restricted too', () => {
    const spec = restrictedSpec();
    appContext(spec).procMount = 'Unmasked';
    const result = evaluate(spec);
    expect(result.level).toBe('privileged');
    expect(failingChecks(result)).toEqual(['procMount', 'procMount_restricted']);
    expect(result.violations[0]!.path).toBe('spec.containers[0].securityContext.procMount');
  });

  it('allows Default', () => {
    const spec = restrictedSpec();
    appContext(spec).procMount = 'Default';
    expect(evaluate(spec).level).toBe('restricted');
  });

  it('allows Unmasked at baseline in a user namespace (hostUsers: false) from 1.35, never at restricted', () => {
    const spec = { ...restrictedSpec(), hostUsers: false };
    appContext(spec).procMount = 'Unmasked';
    const latest = evaluate(spec);
    expect(latest.level).toBe('baseline');
    expect(failingChecks(latest)).toEqual(['procMount_restricted']);
    expect(failingChecks(evaluate(spec, { version: 'v1.34' }))).toEqual(['procMount']);
    expect(evaluate(spec, { version: 'v1.34' }).level).toBe('privileged');
  });
});

describe('seccompProfile_baseline', () => {
  it('rejects Unconfined on the pod at baseline (and seccompProfile_restricted replaces it at restricted)', () => {
    const spec = restrictedSpec();
    spec.securityContext.seccompProfile = { type: 'Unconfined' };
    const result = evaluate(spec);
    expect(result.level).toBe('privileged');
    expect(failingChecks(result)).toEqual(['seccompProfile_baseline', 'seccompProfile_restricted']);
  });

  it('allows an unset profile at baseline', () => {
    const spec = restrictedSpec();
    delete spec.securityContext.seccompProfile;
    expect(evaluate(spec).level).toBe('baseline');
  });

  it('reads the alpha annotations before v1.19 and ignores them from v1.19', () => {
    const metadata = { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } };
    const spec = { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] };
    expect(evaluate(spec, { metadata, version: 'v1.18' }).violations).toContainEqual(
      expect.objectContaining({
        check: 'seccompProfile_baseline',
        path: 'metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]',
      }),
    );
    expect(failingChecks(evaluate(spec, { metadata, version: 'v1.19' }))).not.toContain('seccompProfile_baseline');
  });
});

describe('sysctls', () => {
  it('rejects an unsafe sysctl at its entry', () => {
    const spec = restrictedSpec();
    spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '65536' }];
    expect(evaluate(spec).violations).toEqual([
      expect.objectContaining({
        check: 'sysctls',
        path: 'spec.securityContext.sysctls[1].name',
        message: expect.stringContaining('"kernel.msgmax"'),
      }),
    ]);
  });

  it.each([
    ['net.ipv4.ip_local_reserved_ports', 'v1.27', 'v1.26'],
    ['net.ipv4.tcp_keepalive_time', 'v1.29', 'v1.28'],
    ['net.ipv4.tcp_rmem', 'v1.32', 'v1.31'],
    ['net.ipv4.tcp_slow_start_after_idle', 'v1.37', 'v1.36'],
    ['net.ipv4.tcp_notsent_lowat', 'v1.37', 'v1.36'],
  ])('allows %s from %s, not at %s', (name, allowedFrom, before) => {
    const spec = restrictedSpec();
    spec.securityContext.sysctls = [{ name, value: '1' }];
    expect(evaluate(spec, { version: allowedFrom }).level).toBe('restricted');
    expect(failingChecks(evaluate(spec, { version: before }))).toEqual(['sysctls']);
  });
});

describe('capabilities_baseline', () => {
  it('rejects NET_RAW, a capability outside the default set', () => {
    const spec = restrictedSpec();
    appContext(spec).capabilities = { drop: ['ALL'], add: ['NET_RAW'] };
    const result = evaluate(spec);
    expect(result.level).toBe('privileged');
    expect(result.violations[0]).toMatchObject({ check: 'capabilities_baseline', path: 'spec.containers[0].securityContext.capabilities.add' });
  });

  it('allows a default capability such as CHOWN at baseline, but not at restricted', () => {
    const spec = restrictedSpec();
    appContext(spec).capabilities = { drop: ['ALL'], add: ['CHOWN'] };
    const result = evaluate(spec);
    expect(result.level).toBe('baseline');
    expect(failingChecks(result)).toEqual(['capabilities_restricted']);
  });

  it.each(['CAP_CHOWN', 'chown'])('compares names exactly: %s is not CHOWN, and the message says how to spell it', (name) => {
    const spec = restrictedSpec();
    appContext(spec).capabilities = { drop: ['ALL'], add: [name] };
    const result = evaluate(spec);
    expect(result.level).toBe('privileged');
    expect(result.violations[0]!.message).toContain(`"${name}" -> "CHOWN"`);
  });
});

describe('windowsHostProcess', () => {
  it('rejects hostProcess on the pod and on a container', () => {
    const spec = { ...restrictedSpec(), os: { name: 'windows' }, hostNetwork: false };
    spec.securityContext.windowsOptions = { hostProcess: true };
    appContext(spec).windowsOptions = { hostProcess: true };
    expect(evaluate(spec).violations.map((violation) => [violation.check, violation.path])).toEqual([
      ['windowsHostProcess', 'spec.securityContext.windowsOptions.hostProcess'],
      ['windowsHostProcess', 'spec.containers[0].securityContext.windowsOptions.hostProcess'],
    ]);
  });
});

describe('hostProbesAndHostLifecycle', () => {
  it('rejects a probe or lifecycle host from v1.34, not before', () => {
    const spec = restrictedSpec();
    Object.assign(spec.containers[0]!, {
      livenessProbe: { httpGet: { host: '169.254.169.254', path: '/latest/meta-data', port: 80 } },
      lifecycle: { preStop: { tcpSocket: { host: '10.0.0.1', port: 22 } } },
    });
    expect(evaluate(spec).violations.map((violation) => violation.path)).toEqual([
      'spec.containers[0].livenessProbe.httpGet.host',
      'spec.containers[0].lifecycle.preStop.tcpSocket.host',
    ]);
    expect(evaluate(spec, { version: 'v1.33' }).level).toBe('restricted');
  });

  it('allows an empty host', () => {
    const spec = restrictedSpec();
    spec.containers[0]!.readinessProbe = { httpGet: { host: '', port: 8080 } };
    expect(evaluate(spec).level).toBe('restricted');
  });
});
