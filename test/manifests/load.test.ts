import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifests/load.js';

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
