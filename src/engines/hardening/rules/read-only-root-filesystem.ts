import type { PodView } from '../../pod-security/pod-view.js';
import { show } from '../../pod-security/json.js';
import { industryIds, type HardeningFinding } from '../finding.js';

const ids = industryIds('readOnlyRootFilesystem');

/** A writable root filesystem lets an intruder drop tools and persist changes inside the container. */
export function writableRootFilesystems(pod: PodView): HardeningFinding[] {
  return pod.containerSecurityContexts
    .filter((context) => context.fields?.readOnlyRootFilesystem !== true)
    .map((context) => ({
      id: 'readOnlyRootFilesystem',
      ids,
      path: `${context.path}.readOnlyRootFilesystem`,
      message: `${context.owner} has readOnlyRootFilesystem=${show(context.fields?.readOnlyRootFilesystem)}; expected true`,
      fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app must write',
    }));
}
