import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

/**
 * The layers of src/, top to bottom: a module may import its own layer and
 * the layers below it, never one above. Front ends ask the use cases, which
 * drive the lab's services, which stand on the pure engines and the kube
 * client; the leaf modules import nothing of the lab.
 */
const layers: readonly { name: string; members: readonly string[] }[] = [
  { name: 'front ends', members: ['cli.ts', 'program.ts', 'tui.ts', 'commands', 'ui', 'state'] },
  { name: 'presentation', members: ['render'] },
  { name: 'use cases', members: ['lab'] },
  { name: 'scenario lifecycle', members: ['lifecycle'] },
  { name: 'catalogue', members: ['catalogue'] },
  { name: 'grading', members: ['grading'] },
  { name: 'cluster', members: ['cluster'] },
  { name: 'progress', members: ['progress'] },
  { name: 'engines and the Kubernetes client', members: ['engines', 'manifests', 'kube', 'model'] },
  { name: 'shared leaves', members: ['names.ts', 'errors.ts', 'version.ts', 'lab-dirs.ts'] },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every relative import of a file, type-only ones included, resolved to a file under src/. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => {
      const target = resolve(dirname(file), name).replace(/\.js$/, '');
      return [`${target}.ts`, `${target}.tsx`].find((candidate) => files.has(candidate)) ?? `${target} (missing)`;
    });
}

function layerOf(file: string): number {
  const path = relative(src, file);
  const top = path.split('/')[0] ?? path;
  const index = layers.findIndex((layer) => layer.members.includes(top));
  if (index < 0) throw new Error(`src/${path} is in no layer: add it to test/architecture/imports.test.ts`);
  return index;
}

const files = new Set(sourceFiles(src));
const graph = new Map([...files].map((file) => [file, importsOf(file)]));

/** Strongly connected components with more than one module (or a module importing itself): import cycles. */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(root, member));
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('the dependency structure of src/', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('imports only downwards, from the front ends to the engines', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        if (!files.has(target)) continue;
        const [from, to] = [layerOf(file), layerOf(target)];
        if (to < from) upward.push(`${relative(root, file)} (${layers[from]?.name}) imports ${relative(root, target)} (${layers[to]?.name})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('lets only src/kube/ import @kubernetes/client-node', () => {
    const importers = [...files].filter((file) => /from '@kubernetes\/client-node'|import\('@kubernetes\/client-node'\)/.test(readFileSync(file, 'utf8')));
    expect(importers.map((file) => relative(root, file)).filter((path) => !path.startsWith('src/kube/'))).toEqual([]);
  });
});
