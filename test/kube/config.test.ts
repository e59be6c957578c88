import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigFiles, loadKubeAccess } from '../../src/kube/config.js';

const kubeconfig = (contexts: string[], current: string) => `
apiVersion: v1
kind: Config
clusters:
${contexts.map((name) => `  - name: ${name}\n    cluster: { server: "https://${name}.example:6443" }`).join('\n')}
users:
  - name: someone
    user: { token: t }
contexts:
${contexts.map((name) => `  - name: ${name}\n    context: { cluster: ${name}, user: someone }`).join('\n')}
current-context: ${current}
`;

async function write(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'kubeconfig-')), 'config');
  await writeFile(file, text);
  return file;
}

describe('loadKubeAccess', () => {
  it('never falls back to localhost:8080 when there is no kubeconfig', async () => {
    const home = await mkdtemp(join(tmpdir(), 'home-'));
    await expect(loadKubeAccess({ env: { HOME: home } })).rejects.toThrow(/no kubeconfig found \(looked at .*\.kube\/config\)/);
  });

  it('names a --kubeconfig that does not exist', async () => {
    await expect(loadKubeAccess({ kubeconfig: '/nope/config', env: {} })).rejects.toThrow('kubeconfig /nope/config does not exist');
  });

  it('prefers the preferred context (the lab names its own) over the current context', async () => {
    const file = await write(kubeconfig(['production', 'kind-k8s-sec-lab'], 'production'));
    const access = await loadKubeAccess({ kubeconfig: file, preferredContext: 'kind-k8s-sec-lab', env: {} });
    expect(access.context).toBe('kind-k8s-sec-lab');
    expect(access.server).toBe('https://kind-k8s-sec-lab.example:6443');
  });

  it('uses the current context when there is no lab context, and --context when given', async () => {
    const file = await write(kubeconfig(['staging', 'dev'], 'staging'));
    expect((await loadKubeAccess({ kubeconfig: file, preferredContext: 'kind-k8s-sec-lab', env: {} })).context).toBe('staging');
    expect((await loadKubeAccess({ kubeconfig: file, context: 'dev', env: {} })).context).toBe('dev');
  });

  it('lists the available contexts when --context names an unknown one', async () => {
    const file = await write(kubeconfig(['staging', 'dev'], 'staging'));
    await expect(loadKubeAccess({ kubeconfig: file, context: 'prod', env: {} })).rejects.toMatchObject({
      message: expect.stringContaining('context "prod" is not in'),
      fix: 'pass --context with one of: staging, dev',
    });
  });

  it('reads $KUBECONFIG as a list of files, like kubectl', () => {
    expect(kubeconfigFiles({ env: { KUBECONFIG: '/a:/b' } })).toEqual(['/a', '/b']);
  });
});
