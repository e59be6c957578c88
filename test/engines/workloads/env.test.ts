import { describe, expect, it } from 'vitest';
import { literal } from '../../../src/engines/workloads/arg.js';
import { containerArgv } from '../../../src/engines/workloads/argv.js';
import { containerEnv, expandReferences } from '../../../src/engines/workloads/env.js';

const vars = (values: Record<string, string>) => (name: string) => (name in values ? literal(values[name]!) : undefined);

describe("Kubernetes $(VAR) expansion, as the kubelet's expansion package does it", () => {
  it.each([
    ['--address=$(ADDR)', { ADDR: '127.0.0.1' }, '--address=127.0.0.1'],
    ['$(A)$(B)', { A: 'x', B: 'y' }, 'xy'],
    ['$$(ADDR)', { ADDR: '127.0.0.1' }, '$(ADDR)'],
    ['$$$(ADDR)', { ADDR: 'a' }, '$a'],
    ['$(MISSING)', {}, '$(MISSING)'],
    ['$(UNCLOSED', { UNCLOSED: 'x' }, '$(UNCLOSED'],
    ['cost $5', {}, 'cost $5'],
    ['trailing $', {}, 'trailing $'],
    ['$()', { '': 'empty-name' }, 'empty-name'],
  ])('%s -> %s', (input, values, expected) => {
    const result = expandReferences(input, vars(values));
    expect(result).toEqual(literal(expected));
  });

  it('marks a reference to a value the lab cannot know, keeping what is certain', () => {
    const env = containerEnv({ env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }, {});
    expect(expandReferences('--address=$(POD_IP)', env)).toEqual({ text: '--address=$(POD_IP)', known: false, knownPrefix: 10 });
  });
});

describe('containerEnv', () => {
  it('expands each env value with the variables defined before it, not after', () => {
    const env = containerEnv({ env: [{ name: 'HOST', value: '0.0.0.0' }, { name: 'LISTEN', value: '$(HOST):$(PORT)' }, { name: 'PORT', value: '80' }] }, {});
    expect(env('LISTEN')).toEqual(literal('0.0.0.0:$(PORT)'));
  });

  it('the last definition of a name wins', () => {
    const env = containerEnv({ env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }, {});
    expect(env('A')).toEqual(literal('2'));
  });

  it('treats names envFrom may define, and Service link variables, as unknown', () => {
    const withEnvFrom = containerEnv({ envFrom: [{ configMapRef: { name: 'settings' } }] }, {});
    expect(withEnvFrom('ANYTHING')?.known).toBe(false);
    expect(containerEnv({}, {})('JUMP_BOX_SERVICE_HOST')?.known).toBe(false);
    expect(containerEnv({}, { enableServiceLinks: false })('JUMP_BOX_SERVICE_HOST')).toBeUndefined();
    expect(containerEnv({}, { enableServiceLinks: false })('KUBERNETES_SERVICE_HOST')?.known).toBe(false);
    expect(containerEnv({}, {})('ADDRESS')).toBeUndefined();
  });
});

describe('containerArgv', () => {
  const env = containerEnv({ env: [{ name: 'ADDR', value: '0.0.0.0' }] }, {});
  it('joins command and args, each expanded', () => {
    const { argv, entrypointFromImage } = containerArgv({ command: ['kubectl', 'proxy'], args: ['--address', '$(ADDR)'] }, env);
    expect(argv.map((arg) => arg.text)).toEqual(['kubectl', 'proxy', '--address', '0.0.0.0']);
    expect(entrypointFromImage).toBe(false);
  });

  it("puts the image's unknown entrypoint first when only args are set", () => {
    const { argv, entrypointFromImage } = containerArgv({ image: 'registry.k8s.io/kubectl:v1.34.0', args: ['proxy'] }, env);
    expect(entrypointFromImage).toBe(true);
    expect(argv[0]).toMatchObject({ known: false, text: '<entrypoint of registry.k8s.io/kubectl:v1.34.0>' });
    expect(argv[1]!.text).toBe('proxy');
  });
});
