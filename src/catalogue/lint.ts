import type { Scenario } from './load.js';
import { checkIds } from '../engines/check-ids.js';
import { podTemplateOf } from '../engines/pod-security/index.js';
import { messageOf } from '../errors.js';
import { scenarioObjects } from '../lifecycle/manifests.js';
import type { Container, PodSpec } from '../model/k8s.js';

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
