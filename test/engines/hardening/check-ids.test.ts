import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkIds, rowsForPssCheck, type CheckIdRow } from '../../../src/engines/check-ids.js';
import { podSecurityCheckIds } from '../../../src/engines/pod-security/index.js';

const reference = new URL('../../fixtures/reference/', import.meta.url);

function tsvRows(file: string): string[][] {
  return readFileSync(new URL(file, reference), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'));
}

/** The first column of a tool's check list: every ID the tool has. */
function toolIds(file: string): Set<string> {
  return new Set(tsvRows(file).map((columns) => columns[0]!));
}

const tools = {
  kubescape: toolIds('tools/kubescape_controls.tsv'),
  polaris: toolIds('tools/polaris_checks.tsv'),
  kubeLinter: toolIds('tools/kubelinter_checks.tsv'),
  trivy: toolIds('tools/trivy_ksv_checks.tsv'),
};

/** The IDs a sheet cell names, in any order: known words of the tool, `*` globs expanded. */
function idsIn(cell: string, known: Set<string>, word: RegExp): Set<string> {
  const ids = new Set<string>();
  for (const token of cell.match(word) ?? []) {
    if (token.startsWith('*')) {
      for (const id of known) if (id.endsWith(token.slice(1))) ids.add(id);
    } else if (known.has(token)) ids.add(token);
  }
  return ids;
}

const sheet = tsvRows('check-ids.tsv').map(([misconfiguration, pss, kubescape, polaris, kubeLinter, trivy]) => ({
  misconfiguration: misconfiguration!,
  pss: idsIn(pss!, new Set<string>(podSecurityCheckIds), /[A-Za-z_]+/g),
  kubescape: idsIn(kubescape!, tools.kubescape, /C-\d{4}/g),
  polaris: idsIn(polaris!, tools.polaris, /\*?[A-Za-z]+/g),
  kubeLinter: idsIn(kubeLinter!, tools.kubeLinter, /[a-z][a-z0-9-]*/g),
  trivy: idsIn(trivy!, tools.trivy, /KSV-\d{4}/g),
}));
const rows: CheckIdRow[] = Object.values(checkIds);

describe('the check ID table', () => {
  it('has one row per line of check-ids.tsv, in the same order', () => {
    expect(rows.map((row) => row.misconfiguration)).toEqual(sheet.map((line) => line.misconfiguration));
  });

  it.each(sheet.map((line, index) => [line.misconfiguration, line, rows[index]!] as const))(
    'names the same IDs as the sheet for %s',
    (_, line, row) => {
      for (const tool of ['pss', 'kubescape', 'polaris', 'kubeLinter', 'trivy'] as const) {
        expect(new Set(row[tool]), tool).toEqual(line[tool]);
      }
    },
  );

  it('cites only IDs that exist in the tools’ own check lists', () => {
    for (const row of rows) {
      for (const tool of ['kubescape', 'polaris', 'kubeLinter', 'trivy'] as const) {
        for (const id of row[tool]) expect(tools[tool].has(id), `${row.misconfiguration}: ${tool} ${id}`).toBe(true);
      }
    }
  });

  it('maps every Pod Security check to its rows; only the probe-host check has none (no scanner has it)', () => {
    const unmapped = podSecurityCheckIds.filter((check) => rowsForPssCheck[check].length === 0);
    expect(unmapped).toEqual(['hostProbesAndHostLifecycle']);
    expect(rowsForPssCheck.hostNamespaces).toEqual(['hostNetwork', 'hostPidIpc']);
    expect(rowsForPssCheck.restrictedVolumes).toEqual(['hostPath', 'nonCoreVolumes']);
    expect(rowsForPssCheck.privileged).toEqual(['privileged']);
  });
});
