import type { RequestOptions } from 'node:https';
import { describe, expect, it } from 'vitest';
import { anonymousKubeConfig, loadKubeAccess } from '../../src/kube/config.js';

const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nFAKE-CA\n-----END CERTIFICATE-----\n').toString('base64');
const kubeconfig = `
apiVersion: v1
kind: Config
clusters:
  - name: lab
    cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: ${ca}, tls-server-name: kubernetes }
users:
  - name: admin
    user:
      token: FAKE-k8s-sec-lab-token
      client-certificate-data: ${Buffer.from('FAKE-CERT').toString('base64')}
      client-key-data: ${Buffer.from('FAKE-KEY').toString('base64')}
contexts:
  - name: lab
    context: { cluster: lab, user: admin }
current-context: lab
`;

describe('anonymousKubeConfig', () => {
  it('keeps the cluster CA and TLS server name and drops every credential of the user', async () => {
    const access = await loadKubeAccess({ yaml: kubeconfig });
    const options: RequestOptions = { headers: {} };
    await (await anonymousKubeConfig(access)).applyToHTTPSOptions(options);
    expect(String(options.ca)).toContain('FAKE-CA');
    expect(options.servername).toBe('kubernetes');
    expect(options.cert).toBeUndefined();
    expect(options.key).toBeUndefined();
    expect(options.auth).toBeUndefined();
    expect(Object.keys(options.headers ?? {}).map((name) => name.toLowerCase())).not.toContain('authorization');
  });

  it('leaves the access it was made from as it was: the lab keeps its own credentials', async () => {
    const access = await loadKubeAccess({ yaml: kubeconfig });
    await anonymousKubeConfig(access);
    const options: RequestOptions = { headers: {} };
    await access.kubeConfig.applyToHTTPSOptions(options);
    expect(String(options.cert)).toBe('FAKE-CERT');
    expect((options.headers as Record<string, string>).Authorization).toBe('Bearer FAKE-k8s-sec-lab-token');
  });
});
