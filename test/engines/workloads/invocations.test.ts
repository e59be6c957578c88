import { describe, expect, it } from 'vitest';
import { containerArgv } from '../../../src/engines/workloads/argv.js';
import { containerEnv } from '../../../src/engines/workloads/env.js';
import { findInvocations, shellScript } from '../../../src/engines/workloads/invocations.js';
import { literal } from '../../../src/engines/workloads/arg.js';

const kubectl = { executable: 'kubectl', images: /(^|\/)kubectl[:@]/ };
const lines = (container: Record<string, unknown>) => {
  const env = containerEnv(container, {});
  const search = findInvocations(containerArgv(container, env), String(container.image ?? ''), env, kubectl);
  return { lines: search.invocations.map((invocation) => invocation.line), unclear: search.unclear };
};

describe('findInvocations: where a container starts kubectl', () => {
  it('finds it as the process, by any path', () => {
    expect(lines({ command: ['/usr/local/bin/kubectl', 'proxy'], args: ['--port=1'] }).lines).toEqual(['kubectl proxy --port=1']);
    expect(lines({ command: ['kubectl'], args: ['proxy'] }).lines).toEqual(['kubectl proxy']);
  });

  it('finds it behind wrappers', () => {
    expect(lines({ command: ['tini', '--', 'kubectl', 'proxy'] }).lines).toEqual(['kubectl proxy']);
    expect(lines({ command: ['env', 'HOME=/tmp', 'kubectl', 'proxy', '--address=0.0.0.0'] }).lines).toEqual(['kubectl proxy --address=0.0.0.0']);
  });

  it("takes a kubectl image's entrypoint for the program when only args are set", () => {
    expect(lines({ image: 'registry.k8s.io/kubectl:v1.34.0@sha256:0', args: ['proxy', '--address=0.0.0.0'] }).lines).toEqual(['kubectl proxy --address=0.0.0.0']);
    expect(lines({ image: 'busybox:1.37', args: ['proxy', '--address=0.0.0.0'] }).lines).toEqual([]);
  });

  it('reads sh -c strings, eval and nested shells, with the container env', () => {
    const container = { command: ['/bin/sh', '-ec'], args: ['K=kubectl\nexec $K proxy --address="$ADDR" --accept-hosts=\'.*\''], env: [{ name: 'ADDR', value: '0.0.0.0' }] };
    expect(lines(container).lines).toEqual(["kubectl proxy --address=0.0.0.0 '--accept-hosts=.*'"]);
    expect(lines({ command: ['bash', '-c', 'eval "kubectl proxy --port=1"'] }).lines).toEqual(['kubectl proxy --port=1']);
    expect(lines({ command: ['sh', '-c', 'exec sh -c "kubectl proxy -p 2"'] }).lines).toEqual(['kubectl proxy -p 2']);
    expect(lines({ command: ['busybox', 'sh', '-c', 'kubectl proxy'] }).lines).toEqual(['kubectl proxy']);
  });

  it('says where it cannot tell', () => {
    expect(lines({ command: ['sh', '-c', '$(which kubectl) proxy'] }).unclear).toEqual(['cannot tell which program $(which kubectl) is']);
    const fromSecret = { command: ['sh', '-c', '$(SCRIPT)'], env: [{ name: 'SCRIPT', valueFrom: { secretKeyRef: { name: 's', key: 'kubectl' } } }] };
    expect(lines(fromSecret).unclear).toEqual([]);
  });

  it('ignores programs that only mention kubectl in data', () => {
    expect(lines({ command: ['sh', '-c', 'cat <<EOF\nkubectl proxy --address=0.0.0.0\nEOF'] }).lines).toEqual([]);
    expect(lines({ command: ['python3', '/opt/node-agent/agent.py'] }).lines).toEqual([]);
  });
});

describe('shellScript', () => {
  it.each([
    [['-c', 's'], 's'],
    [['-ec', 's'], 's'],
    [['-e', '-c', 's', 'name'], 's'],
    [['-o', 'pipefail', '-c', 's'], 's'],
    [['--norc', '-lc', 's'], 's'],
    [['-c', '--', 's'], 's'],
    [['script.sh'], undefined],
    [['-e', 'script.sh'], undefined],
  ])('sh %j runs %j', (args, script) => {
    expect(shellScript(args.map(literal))?.text).toBe(script);
  });
});
