import type { Scenario } from '../../src/catalogue/load.js';
import { checkIds } from '../../src/engines/check-ids.js';
import { podTemplateOf } from '../../src/engines/pod-security/index.js';
import { validateCatalogue } from '../../src/catalogue/validate.js';
import { LabError, messageOf } from '../../src/errors.js';
import { scenarioObjects } from '../../src/lifecycle/manifests.js';
import type { Container, PodSpec } from '../../src/model/k8s.js';
import { noImageMap } from '../../src/manifests/image-map.js';

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
      for (const object of await scenarioObjects(scenario, which, noImageMap)) {
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
  problems.push(...replayProblems(scenario));
  if (scenario.solution.delete.length === 0 && (await scenarioObjects(scenario, 'solution', noImageMap).catch(() => [])).length === 0) {
    problems.push('solution: neither manifests nor deletions: the solution changes nothing');
  }
  return problems;
}

/**
 * The attack replay is the briefing's own attack: every step's command appears
 * verbatim in briefing.md (so the learner's commands are the ones the lab
 * replays), names only declared flags, and every flag is revealed by a step.
 */
export function replayProblems(scenario: Pick<Scenario, 'briefing' | 'flags' | 'attack'>): string[] {
  const problems: string[] = [];
  const steps = scenario.attack?.replay ?? [];
  const declared = new Set(scenario.flags.map((flag) => flag.id));
  for (const [index, step] of steps.entries()) {
    const where = `attack.replay[${index}]`;
    if (!appearsAsCommand(scenario.briefing, step.run.trimEnd())) problems.push(`${where}.run: "${firstLine(step.run)}" does not appear verbatim in briefing.md (replay the briefing's own commands)`);
    if (step.revealsFlag !== undefined && !declared.has(step.revealsFlag)) problems.push(`${where}.revealsFlag: "${step.revealsFlag}" is not one of the scenario's flags`);
  }
  for (const id of declared) {
    if (!steps.some((step) => step.revealsFlag === id)) problems.push(`flags (${id}): no attack.replay step reveals it (add the briefing's command that reads it, with revealsFlag: ${id})`);
  }
  return problems;
}

/**
 * Whether `command` is a whole command of `text`: it starts a line (after indentation) and
 * ends its last line, or is followed there by a pipe, `&&`, `;` or a comment (a pipeline's
 * first stages, such as the read before `| k8s-sec-lab submit`), or is a whole inline code
 * span. Never a line's prefix.
 */
function appearsAsCommand(text: string, command: string): boolean {
  for (let at = text.indexOf(command); at !== -1; at = text.indexOf(command, at + 1)) {
    const before = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
    const lineEnd = text.indexOf('\n', at + command.length);
    const after = text.slice(at + command.length, lineEnd === -1 ? undefined : lineEnd);
    if (/^\s*$/.test(before) && /^(\s*$|\s+(\||&&|;|#))/.test(after)) return true;
    if (before.endsWith('`') && after.startsWith('`')) return true;
  }
  return false;
}

function firstLine(text: string): string {
  const [first = '', ...rest] = text.trim().split('\n');
  return rest.length > 0 ? `${first} ...` : first;
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
