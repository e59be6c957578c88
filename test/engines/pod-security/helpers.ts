import { evaluatePodSecurity, type EvaluateOptions, type PodSecurityResult } from '../../../src/engines/pod-security/index.js';

type Json = Record<string, unknown>;

/** A pod spec that meets restricted at every version: each test breaks one thing in it. */
export function restrictedSpec(): Json & { containers: Json[]; securityContext: Json } {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1.0',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  };
}

/** The spec's first container's securityContext, for tests that change one of its fields. */
export function appContext(spec: ReturnType<typeof restrictedSpec>): Json {
  return spec.containers[0]!.securityContext as Json;
}

export function evaluate(spec: unknown, options: EvaluateOptions & { metadata?: unknown } = {}): PodSecurityResult {
  return evaluatePodSecurity(options.metadata ?? { name: 'pod' }, spec, options);
}

export function failingChecks(result: PodSecurityResult): string[] {
  return [...new Set(result.violations.map((violation) => violation.check))];
}
