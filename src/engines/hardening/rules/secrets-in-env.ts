import type { PodView } from '../../pod-security/pod-view.js';
import { isUnset, listOf, objectOrEmpty, show } from '../../pod-security/json.js';
import { industryIds, type HardeningFinding } from '../finding.js';

const ids = industryIds('secretsInEnv', {
  kubescape: ['C-0207'],
  polaris: [],
  kubeLinter: ['read-secret-from-env-var'],
  trivy: [],
});
const fix = 'mount the Secret as a file (a secret volume) and read it from there';

/** Environment variables leak through /proc, crash dumps, logs and child processes; files are easier to contain. */
export function secretsInEnv(pod: PodView): HardeningFinding[] {
  const findings: HardeningFinding[] = [];
  for (const container of pod.containers) {
    listOf(container.fields.env).forEach((entry, index) => {
      const variable = objectOrEmpty(entry);
      const secretKeyRef = objectOrEmpty(variable.valueFrom).secretKeyRef;
      if (isUnset(secretKeyRef)) return;
      const reference = objectOrEmpty(secretKeyRef);
      findings.push({
        id: 'secretsInEnv',
        ids,
        path: `${container.path}.env[${index}].valueFrom.secretKeyRef`,
        message: `${container.label} reads key ${show(reference.key)} of Secret ${show(reference.name)} into env var ${show(variable.name)}; expected Secrets mounted as files`,
        fix,
      });
    });
    listOf(container.fields.envFrom).forEach((entry, index) => {
      const secretRef = objectOrEmpty(entry).secretRef;
      if (isUnset(secretRef)) return;
      findings.push({
        id: 'secretsInEnv',
        ids,
        path: `${container.path}.envFrom[${index}].secretRef`,
        message: `${container.label} loads every key of Secret ${show(objectOrEmpty(secretRef).name)} into env vars; expected Secrets mounted as files`,
        fix,
      });
    });
  }
  return findings;
}
