import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests, parseYamlQuickly, parseYamlWithLines } from '../../src/manifests/load.js';

describe('parseManifests', () => {
  it('records the line each YAML document starts at', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n---\n# comment\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: a }\n';
    expect(parseManifests(text, 'f.yaml').map(({ object, source }) => [object.kind, source.line])).toEqual([
      ['Namespace', 1],
      ['Pod', 7],
    ]);
  });

  it('reads JSON lists (kubectl get -o json) and gives typed items their kind', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p' } }] });
    expect(parseManifests(text, 'f.json')).toEqual([{ object: { kind: 'Pod', metadata: { name: 'p' } }, source: { file: 'f.json', line: 1 } }]);
  });

  it('reports broken input at its line, also when it looks like JSON', () => {
    expect(() => parseManifests('kind: Pod\nmetadata:\n  name: a\nkind: Service\n', 'f.yaml')).toThrow(/^f\.yaml:4: invalid YAML: Map keys must be unique/);
    expect(() => parseManifests('{\n  "kind": "Pod",\n  "metadata": {\n', 'f.json')).toThrow(/^f\.json:\d+: invalid YAML/);
  });

  it('refuses a document that is not a mapping', () => {
    expect(() => parseManifests('- just\n- a list\n', 'f.yaml')).toThrow('f.yaml:1: expected a Kubernetes object');
  });
});

describe('the quick YAML path', () => {
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const manifests = ['scenarios', 'labs', 'test/fixtures']
    .flatMap((dir) => readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file)))
    .filter((file) => /\.ya?ml$/.test(file) && !file.endsWith('broken.yaml'))
    .sort();

  it('reads every manifest of the catalogue and the fixtures exactly as the line-counting parser does', () => {
    expect(manifests.length).toBeGreaterThan(200);
    let quick = 0;
    for (const file of manifests) {
      const text = readFileSync(join(repo, file), 'utf8');
      let expected: unknown;
      try {
        expected = parseYamlWithLines(text, file);
      } catch (error) {
        expected = error;
      }
      let actual: unknown;
      try {
        actual = parseYamlQuickly(text, file) ?? expected;
      } catch (error) {
        actual = error;
      }
      if (actual !== expected) quick++;
      expect(actual, file).toEqual(expected);
    }
    // Nearly all take the quick path; the rest (directives, `...`, odd files) fall back.
    expect(quick).toBeGreaterThan(manifests.length * 0.9);
  });

  it.each([
    ['a directive', '%YAML 1.2\n---\nkind: Pod\n'],
    ['a document end marker', 'kind: Pod\n...\n---\nkind: Service\n'],
    ['a duplicate key', 'kind: Pod\nkind: Service\n'],
  ])('leaves %s to the line-counting parser', (_what, text) => {
    expect(parseYamlQuickly(text, 'f.yaml')).toBeUndefined();
  });

  it('reads values as YAML 1.2 core does: dates, yes/no and octal-looking numbers stay what they are', () => {
    const text = 'kind: ConfigMap\ndata: { day: 2024-01-02, answer: yes, mode: 0755, port: 0o17, off: ~ }\n';
    expect(parseYamlQuickly(text, 'f.yaml')).toEqual(parseYamlWithLines(text, 'f.yaml'));
    expect(parseYamlQuickly(text, 'f.yaml')?.[0]?.object.data).toEqual({ day: '2024-01-02', answer: 'yes', mode: 755, port: 15, off: null });
  });

  it('counts document lines across markers, comments and a byte-order mark', () => {
    const text = '\uFEFF# head\n---\n\n# note\nkind: A\n--- # comment\nkind: B\n---\n---\n--- {kind: C}\n';
    expect(parseYamlQuickly(text, 'f.yaml')?.map(({ object, source }) => [object.kind, source.line])).toEqual(
      parseYamlWithLines(text, 'f.yaml').map(({ object, source }) => [object.kind, source.line]),
    );
  });
});
