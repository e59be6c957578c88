import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterView } from '../../../src/grading/cluster-view.js';
import { checkSchema, runCheck, type CheckSpec } from '../../../src/grading/kinds/registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { systemNamespace } from '../../../src/names.js';
import { clientFor } from '../setup/lab.js';
import { describeWithPlane, kubectl, requirePlane } from '../setup/plane.js';

const namespace = 'grading-pod-identity';
const hints = { nudge: 'n', concept: 'c', command: 'k' };
const parse = (check: Record<string, unknown>): CheckSpec => checkSchema.parse({ id: 'p', title: 'p', hints, ...check });
const role = 'arn:aws:iam::123456789012:role/reports-s3-read';

describeWithPlane('pod-identity-association and pod-identity-client on the test plane', () => {
  let client: KubeClient;
  const grade = (spec: CheckSpec) => runCheck(spec, { view: new ClusterView(client), scenario: { id: 'pod-identity-test', dir: '.', namespaces: [namespace] } });
  const associations = (data: Record<string, string>) =>
    kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pod-identity-associations', namespace: systemNamespace }, data }) }).then(() =>
      kubectl(['-n', systemNamespace, 'patch', 'configmap', 'pod-identity-associations', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/data', value: data }])]),
    );
  const app = (name: string, audience: string | undefined, account = 'reports') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'reports', instance: name } },
      template: {
        metadata: { labels: { app: 'reports', instance: name } },
        spec: {
          serviceAccountName: account,
          containers: [
            {
              name: 'reports',
              image: 'registry.example/reports:1',
              env: [
                { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'http://169.254.170.23/v1/credentials' },
                { name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', value: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token' },
              ],
              volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount', readOnly: true }],
            },
          ],
          volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { ...(audience ? { audience } : {}), expirationSeconds: 86400, path: 'eks-pod-identity-token' } }] } }],
        },
      },
    },
  });
  const apply = (object: object) => kubectl(['apply', '-f', '-'], { input: JSON.stringify(object) });
  const associationCheck = parse({ kind: 'pod-identity-association', roleArn: role, serviceAccounts: [{ namespace: 'reports', name: 'reports' }] });
  const clientCheck = (withRole: boolean) => parse({ kind: 'pod-identity-client', namespace, selector: { matchLabels: { app: 'reports' } }, ...(withRole ? { roleArn: role } : {}) });

  beforeAll(async () => {
    client = await clientFor(requirePlane().kubeconfig);
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: systemNamespace } }) });
  });
  afterAll(async () => {
    await kubectl(['-n', systemNamespace, 'delete', 'configmap', 'pod-identity-associations', '--ignore-not-found']);
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    client.close();
  });

  it('association: exactly the named account passes; another account with the role, a missing or invalid one fails, naming it', async () => {
    await associations({ 'reports.reports': `${role}\n` });
    expect((await grade(associationCheck)).status).toBe('pass');
    await associations({ 'reports.reports': role, 'reports.analyst': role });
    let verdict = await grade(associationCheck);
    expect(verdict).toMatchObject({ status: 'fail', message: `${role}: reports/analyst is associated with it too, so that account's pods get the role` });
    await associations({ 'reports.default': role });
    verdict = await grade(associationCheck);
    expect(verdict.message).toContain('no association for reports/reports; reports/default is associated with it too');
    await associations({ 'reports.reports': 'reports-s3-read' });
    expect((await grade(associationCheck)).message).toContain('is not an IAM role ARN, so the agent refuses it');
  });

  it('association: without the add-on ConfigMap it is an error, never a pass', async () => {
    await kubectl(['-n', systemNamespace, 'delete', 'configmap', 'pod-identity-associations', '--ignore-not-found']);
    expect((await grade(associationCheck)).status).toBe('error');
  });

  it('client: every selected template must use the agent with a token of its audience, and run as an associated account', async () => {
    await associations({ [`${namespace}.reports`]: role });
    await apply(app('reports', 'pods.eks.amazonaws.com'));
    let verdict = await grade(clientCheck(true));
    expect(verdict.status, verdict.message).toBe('pass');
    await apply(app('reports-canary', undefined));
    verdict = await grade(clientCheck(false));
    expect(verdict).toMatchObject({ status: 'fail' });
    expect(verdict.message).toContain(`Deployment ${namespace}/reports-canary's pod template, container "reports": the token at`);
    expect(verdict.message).toContain('the agent accepts only pods.eks.amazonaws.com');
    await apply(app('reports-canary', 'pods.eks.amazonaws.com', 'analyst'));
    verdict = await grade(clientCheck(true));
    expect(verdict.message).toContain(`runs as ServiceAccount ${namespace}/analyst, which is not associated with any role; the agent gives it 403`);
    // Without a role, the account does not matter.
    expect((await grade(clientCheck(false))).status).toBe('pass');
  });

  it('client: no selected pod or template fails, the app is gone', async () => {
    const verdict = await grade(parse({ kind: 'pod-identity-client', namespace, selector: { matchLabels: { app: 'gone' } } }));
    expect(verdict).toMatchObject({ status: 'fail', message: `there are no pods and pod templates labelled app=gone in ${namespace}` });
  });
});
