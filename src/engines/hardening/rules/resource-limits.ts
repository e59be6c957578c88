import type { PodView } from '../../pod-security/pod-view.js';
import { isUnset, objectOrEmpty } from '../../pod-security/json.js';
import { industryIds, type HardeningFinding } from '../finding.js';

const limitIds = {
  cpu: industryIds('resourceLimits', {
    kubescape: ['C-0270', 'C-0050', 'C-0009'],
    polaris: ['cpuLimitsMissing'],
    kubeLinter: ['unset-cpu-requirements'],
    trivy: ['KSV-0011'],
  }),
  memory: industryIds('resourceLimits', {
    kubescape: ['C-0271', 'C-0004', 'C-0009'],
    polaris: ['memoryLimitsMissing'],
    kubeLinter: ['unset-memory-requirements'],
    trivy: ['KSV-0018'],
  }),
};
const resources = Object.keys(limitIds) as (keyof typeof limitIds)[];

/** Without limits one container can starve its node (a denial of service, or a crypto-miner's free lunch). */
export function missingResourceLimits(pod: PodView): HardeningFinding[] {
  const findings: HardeningFinding[] = [];
  for (const container of pod.containers) {
    // Ephemeral containers may not set resources, so only init and regular containers can be held to this.
    if (container.list === 'ephemeralContainers') continue;
    const limits = objectOrEmpty(objectOrEmpty(container.fields.resources).limits);
    for (const resource of resources) {
      if (!isUnset(limits[resource]) && limits[resource] !== '') continue;
      findings.push({
        id: 'resourceLimits',
        ids: limitIds[resource],
        path: `${container.path}.resources.limits.${resource}`,
        message: `${container.label} sets no ${resource} limit; expected resources.limits.${resource}`,
        fix: `set resources.limits.${resource} (e.g. ${resource === 'cpu' ? '500m' : '256Mi'}) sized to the app`,
      });
    }
  }
  return findings;
}
