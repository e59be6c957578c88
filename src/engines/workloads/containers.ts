import { objectOrEmpty, type JsonObject } from '../pod-security/json.js';
import { podView, type PodPaths } from '../pod-security/pod-view.js';
import { containerArgv, type ContainerArgv } from './argv.js';
import { containerEnv, type EnvLookup } from './env.js';

/** `sidecar` is an init container with restartPolicy: Always: it starts first and keeps running beside the app. */
export type ContainerType = 'container' | 'init' | 'sidecar' | 'ephemeral';

/** Fields a pod's securityContext sets for every container that does not set them itself. */
const inheritedSecurityFields = ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seLinuxOptions', 'seccompProfile', 'appArmorProfile', 'windowsOptions'] as const;

export interface ContainerEntry {
  /** For messages: `container "agent"`, `init container "setup"`, `sidecar "proxy"`. */
  label: string;
  /** Field path of the container in the evaluated object. */
  path: string;
  type: ContainerType;
  image: string;
  argv: ContainerArgv;
  env: EnvLookup;
  /**
   * What expectations read: the container's own fields, with `type`, `argv`
   * (command + args expanded, as strings) and `securityContext` as it takes
   * effect (the container's value, else the pod's, for fields set at both
   * levels), and `pod`: the pod spec without its container lists, plus its
   * `labels` and `annotations`.
   */
  view: JsonObject;
}

/** Every container of a pod spec (init, sidecar, regular, ephemeral), normalised for judging. */
export function containersOf(metadata: unknown, spec: unknown, paths: PodPaths): ContainerEntry[] {
  const pod = podView(metadata, spec, paths);
  const podSecurity = objectOrEmpty(pod.spec.securityContext);
  const { initContainers: _init, containers: _containers, ephemeralContainers: _ephemeral, ...podFields } = pod.spec;
  const meta = objectOrEmpty(metadata);
  const podFacts = { ...podFields, labels: objectOrEmpty(meta.labels), annotations: objectOrEmpty(meta.annotations) };
  return pod.containers.map((container) => {
    const type: ContainerType =
      container.list === 'ephemeralContainers' ? 'ephemeral' : container.list === 'initContainers' ? (container.fields.restartPolicy === 'Always' ? 'sidecar' : 'init') : 'container';
    const env = containerEnv(container.fields, pod.spec);
    const argv = containerArgv(container.fields, env);
    const own = objectOrEmpty(container.fields.securityContext);
    const effective: Record<string, unknown> = { ...own };
    for (const field of inheritedSecurityFields) {
      if (own[field] === undefined && podSecurity[field] !== undefined) effective[field] = podSecurity[field];
    }
    const noun = type === 'container' ? 'container' : type === 'init' ? 'init container' : type === 'sidecar' ? 'sidecar' : 'ephemeral container';
    return {
      label: container.name === undefined ? `${noun} ${container.path}` : `${noun} ${JSON.stringify(container.name)}`,
      path: container.path,
      type,
      image: typeof container.fields.image === 'string' ? container.fields.image : '',
      argv,
      env,
      view: {
        ...container.fields,
        type,
        argv: argv.argv.map((arg) => arg.text),
        securityContext: effective,
        pod: podFacts,
      },
    };
  });
}
