import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyCheckSpec } from '../../catalogue/schema.js';
import { KubeRequestError } from '../../kube/errors.js';
import { parseManifests } from '../../manifests/load.js';
import type { GradingContext } from '../context.js';
import { missingNamespace } from '../namespaces.js';
import { error, fail, pass, type Verdict } from '../types.js';

type AdmissionDeniedSpec = Extract<AnyCheckSpec, { kind: 'admission-denied' }>;

/**
 * Replays the attacker's manifest as a server-side dry run: the API server
 * runs validation and every admission plugin but stores nothing. Only a
 * refusal that names the expected reason passes; a refusal for any other
 * reason (RBAC, a typo in the manifest) cannot prove the control works.
 */
export async function admissionDenied(spec: AdmissionDeniedSpec, { view, scenario }: GradingContext): Promise<Verdict> {
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
