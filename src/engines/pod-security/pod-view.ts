import { listOf, objectOrEmpty, objectOrUndefined, type JsonObject } from './json.js';

/** Where the pod's metadata and spec sit inside the evaluated object. */
export interface PodPaths {
  metadata: string;
  spec: string;
}

export const podPaths: PodPaths = { metadata: 'metadata', spec: 'spec' };

const containerLists = ['initContainers', 'containers', 'ephemeralContainers'] as const;
type ContainerList = (typeof containerLists)[number];

export interface ContainerView {
  /** For messages: `container "app"`, or the path when the container has no name. */
  label: string;
  /** The container's name when it has one (annotations are keyed by it). */
  name: string | undefined;
  /** The list it belongs to; ephemeral containers cannot set some fields (resources, ports, probes). */
  list: ContainerList;
  /** Field path of the container, e.g. `spec.initContainers[0]`. */
  path: string;
  fields: JsonObject;
  securityContext: SecurityContextView;
}

/** A securityContext that may set a field checked at both pod and container level. */
export interface SecurityContextView {
  /** For messages: `pod` or the container's label. */
  owner: string;
  /** Field path of the securityContext itself. */
  path: string;
  fields: JsonObject | undefined;
}

export interface VolumeView {
  /** For messages: `volume "data"`, or the path when the volume has no name. */
  label: string;
  /** Field path of the volume, e.g. `spec.volumes[0]`. */
  path: string;
  fields: JsonObject;
}

export interface PodView {
  paths: PodPaths;
  annotations: JsonObject;
  spec: JsonObject;
  /** Init, regular and ephemeral containers, in upstream's visiting order. */
  containers: readonly ContainerView[];
  volumes: readonly VolumeView[];
  /** The pod's securityContext, then each container's. */
  securityContexts: readonly SecurityContextView[];
  /** Each container's securityContext, in the order of `containers`. */
  containerSecurityContexts: readonly SecurityContextView[];
}

/** What every check reads of a pod, with the field path of each part; built once per evaluation. */
export function podView(metadata: unknown, spec: unknown, paths: PodPaths = podPaths): PodView {
  const specFields = objectOrEmpty(spec);
  const containers: ContainerView[] = [];
  for (const list of containerLists) {
    listOf(specFields[list]).forEach((entry, index) => {
      containers.push(containerView(entry, list, `${paths.spec}.${list}[${index}]`));
    });
  }
  const podContext: SecurityContextView = {
    owner: 'pod',
    path: `${paths.spec}.securityContext`,
    fields: objectOrUndefined(specFields.securityContext),
  };
  const containerSecurityContexts = containers.map((container) => container.securityContext);
  return {
    paths,
    annotations: objectOrEmpty(objectOrEmpty(metadata).annotations),
    spec: specFields,
    containers,
    volumes: listOf(specFields.volumes).map((entry, index) => volumeView(entry, `${paths.spec}.volumes[${index}]`)),
    securityContexts: [podContext, ...containerSecurityContexts],
    containerSecurityContexts,
  };
}

function nameOf(fields: JsonObject): string | undefined {
  return typeof fields.name === 'string' && fields.name !== '' ? fields.name : undefined;
}

function labelOf(noun: string, name: string | undefined, path: string): string {
  return name === undefined ? `${noun} ${path}` : `${noun} ${JSON.stringify(name)}`;
}

function volumeView(entry: unknown, path: string): VolumeView {
  const fields = objectOrEmpty(entry);
  return { label: labelOf('volume', nameOf(fields), path), path, fields };
}

function containerView(entry: unknown, list: ContainerList, path: string): ContainerView {
  const fields = objectOrEmpty(entry);
  const name = nameOf(fields);
  const label = labelOf('container', name, path);
  return {
    label,
    name,
    list,
    path,
    fields,
    securityContext: { owner: label, path: `${path}.securityContext`, fields: objectOrUndefined(fields.securityContext) },
  };
}

/** True when the pod declares `spec.os.name: windows` (upstream skips Linux-only checks from 1.25). */
export function isWindowsPod(pod: PodView): boolean {
  return objectOrEmpty(pod.spec.os).name === 'windows';
}

/** True when the pod runs in a user namespace (`spec.hostUsers: false`), which relaxes some checks from 1.35. */
export function usesUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}
