import { describe, expect, it } from 'vitest';
import { associationGap, associationsOf, clientProblem, describeAssociation } from '../../../src/engines/pod-identity/index.js';

const role = 'arn:aws:iam::123456789012:role/reports-s3-read';

describe('associationsOf and associationGap', () => {
  it('reads keys as <namespace>.<service account> and values trimmed, as the agent does', () => {
    const associations = associationsOf({ 'reports.reports': `${role}\n`, 'reports.svc.v2': role, 'bad-key': role, 'reports.empty': '  ' });
    expect(associations.map(({ namespace, serviceAccount, role: arn }) => [namespace, serviceAccount, arn])).toEqual([
      ['reports', 'reports', role],
      ['reports', 'svc.v2', role],
    ]);
  });

  it('names the accounts missing the role and the others that hold it too', () => {
    const associations = associationsOf({ 'reports.analyst': role, 'other.reports': role, 'reports.reports': 'arn:aws:iam::123456789012:role/other' });
    expect(associationGap(associations, role, ['reports/reports'])).toEqual({ missing: ['reports/reports'], extra: ['other/reports', 'reports/analyst'] });
    expect(describeAssociation(associations, 'reports/reports')).toBe('reports/reports is associated with arn:aws:iam::123456789012:role/other');
    expect(associationGap(associationsOf({ 'reports.reports': role }), role, ['reports/reports'])).toEqual({ missing: [], extra: [] });
  });

  it('counts a value the agent refuses as no association', () => {
    const associations = associationsOf({ 'reports.reports': 'reports-s3-read' });
    expect(associationGap(associations, role, ['reports/reports']).missing).toEqual(['reports/reports']);
    expect(describeAssociation(associations, 'reports/reports')).toContain('is not an IAM role ARN, so the agent refuses it');
    expect(describeAssociation([], 'reports/reports')).toBe('no association for reports/reports');
  });
});

describe('clientProblem', () => {
  const tokenVolume = (audience?: string) => [{ name: 'eks-pod-identity-token', projected: { sources: [{ serviceAccountToken: { ...(audience ? { audience } : {}), expirationSeconds: 86400, path: 'eks-pod-identity-token' } }] } }];
  const mount = { name: 'eks-pod-identity-token', mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount' };
  const client = (uri: string, file = '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token', mounts: object[] = [mount]) => ({
    env: [
      { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: uri },
      { name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', value: file },
    ],
    volumeMounts: mounts,
  });

  it.each([
    ['the webhook spelling', 'http://169.254.170.23/v1/credentials'],
    ['with the port', 'http://169.254.170.23:80/v1/credentials'],
  ])('accepts %s', (_, uri) => {
    expect(clientProblem(client(uri), tokenVolume('pods.eks.amazonaws.com'))).toBeUndefined();
  });

  it('accepts a token mounted with subPath', () => {
    const file = '/var/run/secrets/eks-token';
    expect(clientProblem(client('http://169.254.170.23/v1/credentials', file, [{ name: 'eks-pod-identity-token', mountPath: file, subPath: 'eks-pod-identity-token' }]), tokenVolume('pods.eks.amazonaws.com'))).toBeUndefined();
  });

  it.each([
    ['no env at all', { env: [] }, tokenVolume('pods.eks.amazonaws.com'), 'AWS_CONTAINER_CREDENTIALS_FULL_URI is not set to a literal value, so the SDK falls back to the metadata service'],
    ['the ECS endpoint', client('http://169.254.170.2/v2/credentials'), tokenVolume('pods.eks.amazonaws.com'), '169.254.170.2 is the ECS task metadata endpoint'],
    ['https', client('https://169.254.170.23/v1/credentials'), tokenVolume('pods.eks.amazonaws.com'), 'plain http'],
    ['another path', client('http://169.254.170.23/v2/credentials'), tokenVolume('pods.eks.amazonaws.com'), 'the agent serves /v1/credentials'],
    ['a token file no volume holds', client('http://169.254.170.23/v1/credentials', '/tmp/token'), tokenVolume('pods.eks.amazonaws.com'), '/tmp/token, which no volume is mounted at'],
    ['the API server audience', client('http://169.254.170.23/v1/credentials'), tokenVolume(), 'audience of the API server (none set); the agent accepts only pods.eks.amazonaws.com'],
    ['sts audience', client('http://169.254.170.23/v1/credentials'), tokenVolume('sts.amazonaws.com'), 'audience "sts.amazonaws.com"'],
    ['a Secret volume instead of a projected token', client('http://169.254.170.23/v1/credentials'), [{ name: 'eks-pod-identity-token', secret: { secretName: 'x' } }], 'is not a projected service-account token'],
  ])('refuses %s', (_, container, volumes, problem) => {
    expect(clientProblem(container, volumes)).toContain(problem);
  });
});
