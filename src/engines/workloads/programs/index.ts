import type { Arg } from '../arg.js';
import type { ProgramMatcher } from '../invocations.js';
import { kubectlProxy } from './kubectl.js';

export type ProgramOutcome =
  /** The program runs; `facts` is what it will do, as it reads its own arguments. */
  | { status: 'runs'; facts: Record<string, unknown> }
  | { status: 'other'; command: string }
  | { status: 'unclear'; problem: string };

export interface ProgramReader {
  matcher: ProgramMatcher;
  /** The top-level facts `read` reports, so a check's paths are validated when it loads. */
  facts: readonly string[];
  /** What the program makes of the words after its name. */
  read(args: readonly Arg[]): ProgramOutcome;
}

/** The programs whose arguments a check can judge by the program's own rules. */
export const programs = {
  'kubectl proxy': {
    // registry.k8s.io/kubectl, bitnami/kubectl, rancher/kubectl...: images whose entrypoint is kubectl.
    matcher: { executable: 'kubectl', images: /(^|\/)kubectl([:@]|$)/ },
    facts: ['listen', 'address', 'port', 'filterDisabled', 'hostFilterWidened', 'flags'],
    read: (args) => {
      const outcome = kubectlProxy(args);
      return outcome.status === 'runs' ? { status: 'runs', facts: { ...outcome.facts } } : outcome;
    },
  },
} satisfies Record<string, ProgramReader>;

export type ProgramName = keyof typeof programs;
export const programNames = Object.keys(programs) as [ProgramName, ...ProgramName[]];
