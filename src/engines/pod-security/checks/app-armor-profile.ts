import type { CheckDefinition } from '../check.js';
import { show } from '../json.js';
import { annotationViolations, describeAnnotation } from './annotations.js';
import { securityContextRule } from './field-rule.js';

const allowedProfileTypes: ReadonlySet<unknown> = new Set(['RuntimeDefault', 'Localhost']);
const annotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';

const profileTypes = securityContextRule('appArmorProfile.type', (type) => allowedProfileTypes.has(type), (owner, type) => ({
  message: `${owner} sets AppArmor profile type ${show(type)}; allowed: RuntimeDefault, Localhost or unset`,
  fix: 'set securityContext.appArmorProfile.type to RuntimeDefault (or remove it)',
}));

function isAllowedAnnotationValue(value: unknown): boolean {
  return value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** Disabling AppArmor (Unconfined) removes a mandatory access control layer. */
export const appArmorProfile: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      evaluate: (pod) => [
        ...profileTypes(pod.securityContexts),
        ...annotationViolations(
          pod,
          (key) => key.startsWith(annotationPrefix),
          isAllowedAnnotationValue,
          (key, value) => ({
            message: `${describeAnnotation(key, value)}; allowed: runtime/default, localhost/<profile> or empty`,
            fix: 'set the annotation to runtime/default, or remove it and use securityContext.appArmorProfile',
          }),
        ),
      ],
    },
  ],
};
