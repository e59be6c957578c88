import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigYaml } from '../../../tools/testplane/kubeconfig.js';

describe('kubeconfigYaml', () => {
  it('writes one context whose cluster and user carry the server, CA and token', () => {
    const config = parse(
      kubeconfigYaml({ clusterName: 'plane', server: 'https://127.0.0.1:6443', certificateAuthority: 'PEM', user: 'alice', token: 't0k' }),
    ) as Record<string, any>;
    expect(config['current-context']).toBe('alice@plane');
    expect(config.clusters[0].cluster).toEqual({
      server: 'https://127.0.0.1:6443',
      'certificate-authority-data': Buffer.from('PEM').toString('base64'),
    });
    expect(config.users[0]).toEqual({ name: 'alice', user: { token: 't0k' } });
    expect(config.contexts[0].context).toEqual({ cluster: 'plane', user: 'alice' });
  });
});
