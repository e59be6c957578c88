/**
 * Named sets of Kubernetes API powers, and their expansion into the
 * (verb, resource, namespace) questions that a SubjectAccessReview answers.
 * Pure: no I/O; the rbac check kind sends the questions.
 */

/** One rule an author writes: verbs on resources in kubectl's spelling (`pods/exec`, `deployments.apps`). */
export interface PowerRule {
  verbs: string[];
  resources: string[];
  /** Limits the question to objects of these names (e.g. `services/proxy` of `dashboard`). */
  names?: string[];
}

/** A resource as the authorizer sees it. */
export interface ResourceName {
  group: string;
  resource: string;
  subresource?: string;
}

/** One question for the authorizer; `namespace` undefined means cluster-wide. */
export interface PowerQuestion extends ResourceName {
  verb: string;
  name?: string;
  namespace?: string;
  /** The preset the question came from, or undefined for an explicit rule. */
  preset?: PresetName;
}

const workloads = ['pods', 'replicationcontrollers', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch'];

/** Made-up names no real rule lists: only a `*` in the rule can match them. */
export const wildcardProbe = {
  verb: 'k8s-sec-lab-any-verb',
  resource: 'k8s-sec-lab-any-resources',
  group: 'k8s-sec-lab.invalid',
} as const;

/**
 * The powers that hand out more than they say. Creating (or changing) any pod
 * or pod controller is the power to run as any service account of the
 * namespace and mount any of its Secrets; a shell in a pod is its identity and
 * its files; escalate, bind, impersonate and token requests are other
 * people's permissions.
 */
export const presets = {
  'secrets-read': [{ verbs: ['get', 'list', 'watch'], resources: ['secrets'] }],
  'workload-create': [{ verbs: ['create'], resources: workloads }],
  'workload-modify': [{ verbs: ['update', 'patch'], resources: workloads }],
  'pod-shell': [
    // WebSocket clients send GET, SPDY clients POST (create); either opens the stream on some server version.
    { verbs: ['get', 'create'], resources: ['pods/exec', 'pods/attach', 'pods/portforward'] },
    { verbs: ['update', 'patch'], resources: ['pods/ephemeralcontainers'] },
  ],
  escalation: [
    { verbs: ['escalate', 'bind'], resources: ['roles.rbac.authorization.k8s.io', 'clusterroles.rbac.authorization.k8s.io'] },
    { verbs: ['impersonate'], resources: ['users', 'groups', 'serviceaccounts', 'uids', 'userextras.authentication.k8s.io'] },
    { verbs: ['create'], resources: ['serviceaccounts/token'] },
  ],
  wildcards: [
    // `*` verbs, resources and groups (cluster-admin's shape).
    { verbs: [wildcardProbe.verb], resources: [`${wildcardProbe.resource}.${wildcardProbe.group}`] },
    // `*` resources in the core group, for reading.
    { verbs: ['get'], resources: [wildcardProbe.resource] },
    // `*` verbs on pods.
    { verbs: [wildcardProbe.verb], resources: ['pods'] },
  ],
} as const satisfies Record<string, readonly PowerRule[]>;

export type PresetName = keyof typeof presets;
export const presetNames = Object.keys(presets) as PresetName[];

/** An entry of a deny or allow set: a preset's name, or an explicit rule. */
export type PowerEntry = PresetName | PowerRule;

/**
 * Resources whose requests carry no namespace: a RoleBinding cannot grant
 * them, so they are asked cluster-wide only. (`clusterroles` is not here:
 * binding one is checked in the RoleBinding's namespace.)
 */
const clusterScoped = new Set(['users', 'groups', 'uids', 'userextras.authentication.k8s.io', 'nodes', 'namespaces', 'persistentvolumes', 'certificatesigningrequests.certificates.k8s.io']);

/** `pods/exec` -> pods, exec; `deployments.apps` -> apps, deployments; `roles.rbac.authorization.k8s.io/x`. */
export function parseResource(spelled: string): ResourceName {
  const [qualified = '', subresource] = spelled.split('/', 2);
  const dot = qualified.indexOf('.');
  const resource = dot < 0 ? qualified : qualified.slice(0, dot);
  const group = dot < 0 ? '' : qualified.slice(dot + 1);
  return { group, resource, ...(subresource ? { subresource } : {}) };
}

/** Problems with a rule as written, for load-time validation. */
export function ruleProblems(rule: PowerRule): string[] {
  const problems: string[] = [];
  for (const spelled of rule.resources) {
    if (!/^(\*|[a-z0-9-]+)(\.[a-z0-9.-]+)?(\/[a-z0-9-]+)?$/.test(spelled)) {
      problems.push(`resource "${spelled}" is not of the form plural[.group][/subresource], e.g. pods/exec or deployments.apps`);
    }
  }
  for (const verb of rule.verbs) {
    if (!/^(\*|[a-z][a-zA-Z0-9-]*)$/.test(verb)) problems.push(`verb "${verb}" is not a Kubernetes verb (get, list, create, ...)`);
  }
  return problems;
}

function resolve(entry: PowerEntry): { rules: readonly PowerRule[]; preset?: PresetName } {
  return typeof entry === 'string' ? { rules: presets[entry], preset: entry } : { rules: [entry] };
}

/**
 * Every question a set of entries asks, in each namespace (or cluster-wide
 * when there are none); cluster-scoped resources once, cluster-wide. A
 * namespaced question also sees ClusterRoleBindings, so asking it in a
 * namespace covers the cluster-wide grants too. Duplicates are dropped.
 */
export function questionsFor(entries: readonly PowerEntry[], namespaces: readonly string[]): PowerQuestion[] {
  const questions = new Map<string, PowerQuestion>();
  for (const entry of entries) {
    const { rules, preset } = resolve(entry);
    for (const rule of rules) {
      for (const spelled of rule.resources) {
        const resource = parseResource(spelled);
        const scopes = clusterScoped.has(spelled) || namespaces.length === 0 ? [undefined] : namespaces;
        for (const verb of rule.verbs) {
          for (const name of rule.names?.length ? rule.names : [undefined]) {
            for (const namespace of scopes) {
              const question: PowerQuestion = { verb, ...resource, ...(name ? { name } : {}), ...(namespace ? { namespace } : {}), ...(preset ? { preset } : {}) };
              const key = questionKey(question);
              if (!questions.has(key)) questions.set(key, question);
            }
          }
        }
      }
    }
  }
  return [...questions.values()];
}

export function questionKey(question: PowerQuestion): string {
  return [question.verb, question.group, question.resource, question.subresource ?? '', question.name ?? '', question.namespace ?? ''].join('|');
}

/** `get secrets`, `create deployments.apps`, `create pods/exec`, `get services/proxy dashboard`. */
export function describeAction(question: PowerQuestion): string {
  if (question.group === wildcardProbe.group) return 'any verb on any resource (a "*" rule)';
  if (question.resource === wildcardProbe.resource) return 'get on any resource of the core group (a "*" resource)';
  if (question.verb === wildcardProbe.verb) return `any verb on ${question.resource} (a "*" verb)`;
  const resource = `${question.resource}${question.group ? `.${question.group}` : ''}${question.subresource ? `/${question.subresource}` : ''}`;
  return `${question.verb} ${resource}${question.name ? ` ${question.name}` : ''}`;
}

export function describeScope(question: PowerQuestion): string {
  return question.namespace ? `in ${question.namespace}` : 'cluster-wide';
}

/** A named object the platform grants on purpose (kubeadm's kube-public/cluster-info for anonymous discovery). */
export interface PowerException {
  verbs: string[];
  /** kubectl spelling, as in a rule: configmaps, deployments.apps. */
  resource: string;
  name: string;
  /** Omitted: a cluster-scoped object. */
  namespace?: string;
}

/** Whether the question asks exactly an excepted verb on an excepted object; an unnamed question (every object) never is. */
export function isExcepted(question: PowerQuestion, exceptions: readonly PowerException[]): boolean {
  return exceptions.some((exception) => {
    const resource = parseResource(exception.resource);
    return (
      question.name === exception.name &&
      question.namespace === exception.namespace &&
      exception.verbs.includes(question.verb) &&
      question.group === resource.group &&
      question.resource === resource.resource &&
      question.subresource === resource.subresource
    );
  });
}

/** "get configmaps cluster-info in kube-public", for messages. */
export function describeException(exception: PowerException): string {
  return `${exception.verbs.join(', ')} ${exception.resource} ${exception.name} ${exception.namespace ? `in ${exception.namespace}` : 'cluster-wide'}`;
}
