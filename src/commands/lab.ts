import type { Catalogue, Scenario } from '../catalogue/load.js';
import type { ProgressStore } from '../progress/store.js';
import type { CommandIO } from './io.js';
import { writeLine } from './io.js';

/** The catalogue the CLI serves: the packaged one, or $K8S_SEC_LAB_CATALOGUE (authors, tests). */
export async function catalogueFor(io: CommandIO): Promise<Catalogue> {
  const { defaultCatalogueRoot, loadCatalogue } = await import('../catalogue/load.js');
  return loadCatalogue(defaultCatalogueRoot(io.env), io.env);
}

/** One scenario of the catalogue, or a LabError listing the ids there are. */
export async function scenarioFor(io: CommandIO, id: string): Promise<Scenario> {
  const { findScenario } = await import('../catalogue/load.js');
  return findScenario(await catalogueFor(io), id);
}

export async function progressFor(io: CommandIO): Promise<ProgressStore> {
  const { ProgressStore, progressPath } = await import('../progress/store.js');
  return new ProgressStore(progressPath(io.env), (message) => writeLine(io.stderr, io.color.yellow(`warning: ${message}`)));
}

/** Progress lines go to stderr so stdout stays clean for --json and pipes. */
export function stepLogger(io: CommandIO): (line: string) => void {
  return (line) => writeLine(io.stderr, io.color.dim(`  ${line}`));
}
