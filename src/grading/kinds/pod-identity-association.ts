import { z } from 'zod';
import { associationGap, associationsOf, describeAssociation } from '../../engines/pod-identity/index.js';
import type { KubeObject } from '../../model/k8s.js';
import { systemNamespace } from '../../names.js';
import { kinds } from '../cluster-view.js';
import { dnsLabel } from '../fields.js';
import { error, fail, pass } from '../types.js';
import { target } from '../watch.js';
import { defineKind } from './kind.js';

/** The pod-identity add-on's stand-in for `aws eks create-pod-identity-association`. */
export const associationsConfigMap = 'pod-identity-associations';

const fields = {
  /** The IAM role ARN, exactly as the agent compares it. */
  roleArn: z.string().regex(/^arn:aws:iam::[0-9]{12}:role\/\S+$/, 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)'),
  /** The accounts that must get the role, and the only ones that may. */
  serviceAccounts: z.array(z.object({ namespace: dnsLabel, name: z.string().min(1) }).strict()).min(1),
};

/**
 * The role's pod identity associations name exactly these service accounts:
 * each of them gets the role from the agent, and no other account does.
 * Read from the agent's own ConfigMap, parsed as the agent parses it
 * (whitespace trimmed, invalid ARNs refused).
 */
export const podIdentityAssociation = defineKind({
  fields,
  async run(spec, { view }) {
    const configMaps = await view.list<KubeObject & { data?: Record<string, string> }>(kinds.configMap, systemNamespace);
    const configMap = configMaps.find((candidate) => candidate.metadata?.name === associationsConfigMap);
    if (!configMap) return error(`ConfigMap ${systemNamespace}/${associationsConfigMap} does not exist: the pod-identity add-on is not installed (k8s-sec-lab start installs it)`);
    const associations = associationsOf(configMap.data);
    const wanted = spec.serviceAccounts.map((account) => `${account.namespace}/${account.name}`);
    const gap = associationGap(associations, spec.roleArn, wanted);
    const object = `ConfigMap ${systemNamespace}/${associationsConfigMap}`;
    const expected = `${spec.roleArn} for ${wanted.join(', ')} and no other account`;
    const problems = [
      ...gap.missing.map((account) => describeAssociation(associations, account)),
      ...gap.extra.map((account) => `${account} is associated with it too, so that account's pods get the role`),
    ];
    if (problems.length > 0) return fail(`${spec.roleArn}: ${problems.join('; ')}`, { object, observed: problems.join('; '), expected });
    return pass(`${spec.roleArn} is associated with ${wanted.join(', ')} and no other account`, { object, observed: wanted.join(', '), expected });
  },
  watch: () => [target(kinds.configMap, systemNamespace)],
});
