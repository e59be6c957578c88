import type { PodView } from '../../pod-security/pod-view.js';
import { show } from '../../pod-security/json.js';
import { industryIds, type HardeningFinding } from '../finding.js';

const ids = industryIds('automountServiceAccountToken');

/** A mounted service account token hands API credentials to anyone who gets a shell in the pod. */
export function automountedServiceAccountToken(pod: PodView): HardeningFinding[] {
  const value = pod.spec.automountServiceAccountToken;
  if (value === false) return [];
  return [
    {
      id: 'automountServiceAccountToken',
      ids,
      path: `${pod.paths.spec}.automountServiceAccountToken`,
      message: `automountServiceAccountToken=${show(value)}: the service account token is mounted unless the ServiceAccount sets automountServiceAccountToken: false; expected false`,
      fix: 'set spec.automountServiceAccountToken: false (mount a projected token only where the app calls the API)',
    },
  ];
}
