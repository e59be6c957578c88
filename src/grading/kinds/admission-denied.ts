import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KubeRequestError } from '../../kube/errors.js';
import { parseManifests } from '../../manifests/load.js';
import type { GradingContext } from '../context.js';
import { dnsLabel } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { error, fail, pass, type Verdict } from '../types.js';
import { target, watched } from '../watch.js';
import { defineKind, type KindSpec } from './kind.js';

const fields = {
  /** A manifest in the scenario folder whose creation must be refused (sent as a server-side dry run). */
  manifest: z.string().min(1),
  namespace: dnsLabel,
  /** Text the refusal must contain, e.g. "PodSecurity": a refusal for another reason (RBAC, a typo) proves nothing. */
  reasonContains: z.string().min(1),
};
type AdmissionDeniedSpec = KindSpec<typeof fields>;

/**
 * Replays the attacker's manifest as a server-side dry run: the API server
 * runs validation and every admission plugin but stores nothing. Only a
 * refusal that names the expected reason passes; a refusal for any other
 * reason (RBAC, a typo in the manifest) cannot prove the control works.
 */
export const admissionDenied = defineKind({
  fields,
  run: replayRefused,
  // Admission depends on namespace labels (Pod Security) and admission policies.
  watch: () => [target(watched.namespace), target(watched.admissionPolicyBinding)],
});

async function replayRefused(spec: AdmissionDeniedSpec, { view, scenario }: GradingContext): Promise<Verdict> {
  const missing = await missingNamespace(view, scenario, spec.namespace);
  if (missing) return missing;
  const file = join(scenario.dir, spec.manifest);
  const [first] = parseManifests(await readFile(file, 'utf8'), file);
  if (!first) return error(`${spec.manifest} holds no object to replay`);
  const attack = { ...first.object, metadata: { ...first.object.metadata, namespace: spec.namespace } };
  const what = `${attack.kind} ${spec.namespace}/${attack.metadata.name ?? attack.metadata.generateName ?? '?'}`;

  try {
    await view.client.create(attack, { dryRun: true });
  } catch (refusal) {
    if (!(refusal instanceof KubeRequestError) || refusal.isUnreachable || refusal.status >= 500 || refusal.isNotFound) throw refusal;
    // AlreadyExists comes from storage, after admission let the object through.
    if (refusal.status === 409) return admitted(what, spec);
    if (refusal.message.includes(spec.reasonContains)) {
      return pass(`the API server refuses ${what}: ${refusal.message}`, {
        object: what,
        observed: `refused (${refusal.status} ${refusal.reason})`,
        expected: `refused by ${spec.reasonContains}`,
      });
    }
    return error(`the API server refused ${what}, but not because of ${spec.reasonContains}: ${refusal.message}`);
  }
  return admitted(what, spec);
}

function admitted(what: string, spec: AdmissionDeniedSpec): Verdict {
  return fail(`the API server admits ${what} (server-side dry run): nothing stops the attacker from creating it`, {
    object: what,
    observed: 'admitted',
    expected: `refused by ${spec.reasonContains}`,
  });
}
