import { expect, it } from 'vitest';
import { describeWithPlane, kubectl, useNamespace } from '../setup/plane.js';

describeWithPlane('controllers and kwok nodes', () => {
  const ns = useNamespace('workloads');

  it('rolls a Deployment out to Available on the fake nodes', async () => {
    await kubectl(['-n', ns.name, 'create', 'deployment', 'web', '--image=nginx:1.27.3', '--replicas=2']);
    await kubectl(['-n', ns.name, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    const available = await kubectl([
      '-n', ns.name, 'get', 'deployment', 'web',
      '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status} {.status.availableReplicas}',
    ]);
    expect(available.stdout).toBe('True 2');
    const nodes = await kubectl(['-n', ns.name, 'get', 'pods', '-o', 'jsonpath={.items[*].spec.nodeName}']);
    // The control-plane node is tainted like kind's, so pods land on the workers only.
    for (const node of nodes.stdout.split(' ')) expect(node).toMatch(/^k8s-sec-lab-worker2?$/);
  });

  it('finalizes a deleted namespace', async () => {
    const doomed = `doomed-${ns.name}`;
    await kubectl(['create', 'namespace', doomed]);
    await kubectl(['-n', doomed, 'create', 'configmap', 'settings', '--from-literal=a=b']);
    await kubectl(['delete', 'namespace', doomed, '--wait=true', '--timeout=60s']);
    const gone = await kubectl(['get', 'namespace', doomed], { reject: false });
    expect(gone.stderr).toContain('NotFound');
  });

  it('labels and taints the nodes like a kind cluster', async () => {
    const nodes = await kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.taints[*].key}{"\\n"}{end}']);
    expect(nodes.stdout.split('\n').sort()).toEqual([
      'k8s-sec-lab-control-plane node-role.kubernetes.io/control-plane',
      'k8s-sec-lab-worker ',
      'k8s-sec-lab-worker2 ',
    ]);
  });
});
