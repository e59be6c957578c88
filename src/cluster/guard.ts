import { randomUUID } from 'node:crypto';
import { LabError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { managedByLabel, managedByValue, systemNamespace } from '../names.js';

/** The ConfigMap that marks a cluster as the lab's: its presence allows writes. */
export const markerName = 'k8s-sec-lab-marker';

export interface LabMarker {
  labId: string;
  markedBy: 'up' | 'adopt';
  markedAt: string;
  /** Whether `up` proved NetworkPolicy enforcement with a real probe: "true", "false" or "unknown". */
  networkPolicyEnforced: 'true' | 'false' | 'unknown';
}

const configMap = { apiVersion: 'v1', kind: 'ConfigMap' };

/** The marker, or undefined when the cluster is not a lab cluster. Sends only a GET. */
export async function readMarker(client: KubeClient): Promise<LabMarker | undefined> {
  const marker = await client.get<{ data?: Partial<LabMarker> }>(configMap, markerName, systemNamespace);
  if (!marker?.data?.labId) return undefined;
  return {
    labId: marker.data.labId,
    markedBy: marker.data.markedBy === 'adopt' ? 'adopt' : 'up',
    markedAt: marker.data.markedAt ?? '',
    networkPolicyEnforced: marker.data.networkPolicyEnforced ?? 'unknown',
  };
}

/**
 * Every mutating command calls this first. A cluster without the marker gets
 * no write request at all: the lab never changes a cluster it does not own.
 */
export async function requireLabCluster(client: KubeClient): Promise<LabMarker> {
  const marker = await readMarker(client);
  if (marker) return marker;
  throw new LabError(
    `context "${client.context}" (${client.server}) is not a lab cluster, so the lab will not change it`,
    {
      fix: `create the lab cluster with \`k8s-sec-lab up\`, or let the lab use this one with \`k8s-sec-lab adopt --context ${client.context}\``,
    },
  );
}

/** Marks the cluster as the lab's (called by `up` and, after confirmation, `adopt`). */
export async function markCluster(
  client: KubeClient,
  markedBy: LabMarker['markedBy'],
  networkPolicyEnforced: LabMarker['networkPolicyEnforced'] = 'unknown',
): Promise<LabMarker> {
  const existing = await readMarker(client);
  const marker: LabMarker = {
    labId: existing?.labId ?? randomUUID(),
    markedBy: existing?.markedBy ?? markedBy,
    markedAt: existing?.markedAt || new Date().toISOString(),
    networkPolicyEnforced,
  };
  const labels = { [managedByLabel]: managedByValue };
  await client.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: systemNamespace,
      // Lab add-ons (the IMDS emulator) need host access; learners' namespaces never get this.
      labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'privileged' },
    },
  });
  await client.apply({
    ...configMap,
    metadata: { name: markerName, namespace: systemNamespace, labels },
    data: { ...marker },
  });
  return marker;
}
