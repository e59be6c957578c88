import { z } from 'zod';
import { associationsOf, clientProblem } from '../../engines/pod-identity/index.js';
import { containersOf } from '../../engines/workloads/index.js';
import { objectOrEmpty } from '../../engines/pod-security/json.js';
import type { KubeObject } from '../../model/k8s.js';
import { systemNamespace } from '../../names.js';
import { kinds } from '../cluster-view.js';
import { dnsLabel, labelSelectorSchema } from '../fields.js';
import { missingNamespace } from '../namespaces.js';
import { describeSelector } from '../select.js';
import { error, fail, pass } from '../types.js';
import { target } from '../watch.js';
import { podRunningTargets, podSpecsIn } from '../workloads.js';
import { associationsConfigMap } from './pod-identity-association.js';
import { defineKind } from './kind.js';

const fields = {
  namespace: dnsLabel,
  /** The app's pods and pod templates, found by label (a renamed workload counts). */
  selector: labelSelectorSchema,
  /** With a role: the account each pod runs as must be associated with it, as the agent reads the associations. */
  roleArn: z.string().regex(/^arn:aws:iam::[0-9]{12}:role\/\S+$/, 'must be an IAM role ARN').optional(),
};

/**
 * Every app container of every selected pod and pod template gets its AWS
 * credentials from the EKS Pod Identity Agent: the container credential
 * provider's full URI names the agent, its token file is a projected
 * service-account token with the agent's audience, and (with `role`) the
 * pod's service account is associated with that role. No pod or template
 * selected fails: the app is gone.
 */
export const podIdentityClient = defineKind({
  fields,
  async run(spec, { view, scenario }) {
    const missing = await missingNamespace(view, scenario, spec.namespace);
    if (missing) return missing;
    const sources = await podSpecsIn(view, spec.namespace, spec.selector);
    const where = `pods and pod templates labelled ${describeSelector(spec.selector)} in ${spec.namespace}`;
    if (sources.length === 0) return fail(`there are no ${where}`, { object: where, observed: 'none', expected: 'the app, using Pod Identity' });
    let associations: ReturnType<typeof associationsOf> | undefined;
    if (spec.roleArn) {
      const configMaps = await view.list<KubeObject & { data?: Record<string, string> }>(kinds.configMap, systemNamespace);
      const configMap = configMaps.find((candidate) => candidate.metadata?.name === associationsConfigMap);
      if (!configMap) return error(`ConfigMap ${systemNamespace}/${associationsConfigMap} does not exist: the pod-identity add-on is not installed`);
      associations = associationsOf(configMap.data);
    }
    let containers = 0;
    for (const source of sources) {
      const podSpec = objectOrEmpty(source.spec);
      for (const container of containersOf(source.metadata, source.spec, source.paths)) {
        if (container.type !== 'container') continue;
        containers++;
        const problem = clientProblem(container.view as { env?: unknown; volumeMounts?: unknown }, podSpec.volumes);
        const object = `${source.label}, ${container.label}`;
        if (problem) return fail(`${object}: ${problem}`, { object, path: container.path, observed: problem, expected: 'credentials from the EKS Pod Identity Agent' });
      }
      if (associations && spec.roleArn) {
        const account = typeof podSpec.serviceAccountName === 'string' && podSpec.serviceAccountName ? podSpec.serviceAccountName : 'default';
        const association = associations.find((candidate) => candidate.namespace === spec.namespace && candidate.serviceAccount === account && candidate.valid);
        if (association?.role !== spec.roleArn) {
          const observed = association ? `associated with ${association.role}` : 'not associated with any role';
          return fail(`${source.label} runs as ServiceAccount ${spec.namespace}/${account}, which is ${observed}; the agent gives it ${association ? 'another role' : '403'}, not ${spec.roleArn}`, {
            object: source.label,
            observed,
            expected: `associated with ${spec.roleArn}`,
          });
        }
      }
    }
    const role = spec.roleArn ? `, as accounts associated with ${spec.roleArn}` : '';
    return pass(`all ${containers} app containers of the ${sources.length} ${where} get credentials from the Pod Identity Agent${role}`);
  },
  watch: (spec) => [...podRunningTargets(spec.namespace), ...(spec.roleArn ? [target(kinds.configMap, systemNamespace)] : [])],
});
