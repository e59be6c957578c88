import { expect, it } from 'vitest';
import { apiRequest } from '../../../tools/testplane/api.js';
import { apiAs, describeWithPlane, kubectl, requirePlane, useNamespace } from '../setup/plane.js';

describeWithPlane('RBAC for the non-admin identity', () => {
  const ns = useNamespace('rbac');

  it('grants exactly what a Role allows, as seen by SubjectAccessReview and by real requests', async () => {
    const plane = requirePlane();
    const tester = plane.identities.tester;
    await kubectl(['-n', ns.name, 'create', 'role', 'pod-reader', '--verb=get', '--resource=pods']);
    await kubectl(['-n', ns.name, 'create', 'rolebinding', 'tester-reads-pods', '--role=pod-reader', `--user=${tester.user}`]);
    await kubectl(['-n', ns.name, 'run', 'web', '--image=nginx:1.27.3']);

    const review = async (verb: string, resource: string) => {
      const sar = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: tester.user, groups: tester.groups, resourceAttributes: { namespace: ns.name, verb, resource } },
      };
      const result = await kubectl(['create', '-o', 'json', '-f', '-'], { input: JSON.stringify(sar) });
      return (JSON.parse(result.stdout) as { status: { allowed: boolean } }).status.allowed;
    };
    expect(await review('get', 'pods')).toBe(true);
    expect(await review('list', 'secrets')).toBe(false);

    const asTester = apiAs('tester');
    const pod = await apiRequest(asTester, 'GET', `/api/v1/namespaces/${ns.name}/pods/web`);
    expect(pod.status).toBe(200);
    const secrets = await apiRequest(asTester, 'GET', `/api/v1/namespaces/${ns.name}/secrets`);
    expect(secrets.status).toBe(403);

    const viaKubectl = await kubectl(['-n', ns.name, 'get', 'pod', 'web', '-o', 'name'], { kubeconfig: plane.testerKubeconfig });
    expect(viaKubectl.stdout).toBe('pod/web');
  });
});

