import type { Command } from 'commander';
import type { Catalogue, Scenario } from '../catalogue/load.js';
import type { KubeClient } from '../kube/client.js';
import type { ProgressStore } from '../progress/store.js';
import { connectCluster, confirm } from './cluster.js';
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

/** A subcommand that takes a scenario id, as start/check/hint/reset/solve do. */
export function scenarioSubcommand(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).argument('<id>', 'scenario id (see `list`)');
}

/** Runs `work` with the scenario and a client for the selected cluster, closing the client after. */
export async function withScenario<T>(io: CommandIO, command: Command, id: string, work: (scenario: Scenario, client: KubeClient) => Promise<T>): Promise<T> {
  const scenario = await scenarioFor(io, id);
  const client = await connectCluster(command, io);
  try {
    return await work(scenario, client);
  } finally {
    client.close();
  }
}

/** The context guard, then a confirmation naming what is about to change: every write starts here. */
export async function guardAndConfirm(io: CommandIO, client: KubeClient, question: string | undefined, options: { yes?: boolean }): Promise<void> {
  const { requireLabCluster } = await import('../cluster/guard.js');
  await requireLabCluster(client);
  if (question) await confirm(io, question, options);
}

/** Grades a scenario with the learner's revealed hints and records the attempt (check and hint both do). */
export async function gradeAndRecord(io: CommandIO, scenario: Scenario, client: KubeClient) {
  const { gradeAttempt } = await import('../grading/attempt.js');
  const store = await progressFor(io);
  return { report: await gradeAttempt(store, scenario, client), store };
}
