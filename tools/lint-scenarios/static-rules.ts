import type { Scenario } from '../../src/catalogue/load.js';
import { checkIds } from '../../src/engines/check-ids.js';
import { podTemplateOf } from '../../src/engines/pod-security/index.js';
import { validateCatalogue } from '../../src/catalogue/validate.js';
import { LabError, messageOf } from '../../src/errors.js';
import { scenarioObjects } from '../../src/lifecycle/manifests.js';
import type { Container, PodSpec } from '../../src/model/k8s.js';

/**
 * Static rules a scenario must follow beyond its schema: the manifests load
 * and stay inside the scenario, images are pinned by digest (a tag can be
 * moved under the learner), and cited check IDs exist in the table.
 */
export async function lintScenarioStatically(scenario: Scenario): Promise<string[]> {
  const problems: string[] = [];
  for (const key of scenario.references.checkIds) {
    if (!(key in checkIds)) problems.push(`references.checkIds: "${key}" is not a key of src/engines/check-ids.ts`);
  }
  for (const which of ['setup', 'solution'] as const) {
    try {
      for (const object of await scenarioObjects(scenario, which)) {
        const template = podTemplateOf(object);
        if (template.status !== 'template') continue;
        const spec = template.spec as PodSpec;
        for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Container[]) {
          if (!container.image?.includes('@sha256:')) {
            problems.push(`${which}: ${object.kind} ${object.metadata?.name} container "${container.name}" uses image "${container.image ?? ''}", which is not pinned by digest (write image:tag@sha256:...)`);
          }
        }
      }
    } catch (error) {
      problems.push(`${which}: ${messageOf(error)}`);
    }
  }
  if (scenario.solution.delete.length === 0 && (await scenarioObjects(scenario, 'solution').catch(() => [])).length === 0) {
    problems.push('solution: neither manifests nor deletions: the solution changes nothing');
  }
  return problems;
}

/**
 * Every problem found without a cluster, one line each (file:line:path, what
 * is wrong): the schema and cross-file rules (as loading reports them), then
 * the static rules per scenario.
 */
export async function staticProblems(root: string): Promise<string[]> {
  let catalogue;
  try {
    catalogue = await validateCatalogue(root);
  } catch (error) {
    if (!(error instanceof LabError)) throw error;
    return error.message.split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
  }
  const problems: string[] = [];
  for (const scenario of catalogue.scenarios) {
    for (const problem of await lintScenarioStatically(scenario)) problems.push(`scenarios/${scenario.id}: ${problem}`);
  }
  return problems;
}
