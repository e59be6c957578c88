import { version } from './version.js';

/** The kind cluster the lab creates, and the kubeconfig context kind names after it. */
export const labClusterName = 'k8s-sec-lab';
export const labContextName = `kind-${labClusterName}`;

/** The namespace that holds the lab's own machinery (marker, add-ons); never a scenario's. */
export const systemNamespace = 'k8s-sec-lab-system';

/** The field manager of every server-side apply the lab sends. */
export const fieldManager = 'k8s-sec-lab';

/** How the lab's API client identifies itself: its writes' field manager, and a user agent that names the lab in audit logs. */
export const labClientIdentity = { fieldManager, userAgent: `k8s-sec-lab/${version}` } as const;

/** Labels on everything the lab creates, so it can find and remove its own objects. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managedByValue = 'k8s-sec-lab';
export const scenarioLabel = 'k8s-sec-lab.io/scenario';

/** The container engines kind can run nodes on (its docker and podman providers). */
export const containerEngines = ['docker', 'podman'] as const;
export type ContainerEngine = (typeof containerEngines)[number];

/**
 * Each `start` stores a fresh random token in this Secret in the scenario's
 * first namespace. Scenario apps can serve it (mounted or from env) and a
 * local probe proves the learner reached THIS run's app, not a stale one.
 */
export const runSecretName = 'k8s-sec-lab-run';
export const runTokenKey = 'token';

/**
 * `start` writes ConfigMap `<startedMarkerPrefix><scenario id>` in the system
 * namespace, outside the scenario's own namespaces: grading reads it to tell
 * a scenario whose namespace the learner deleted from one never started.
 */
export const startedMarkerPrefix = 'k8s-sec-lab-started-';
