import { expect, it } from 'vitest';
import { execa } from 'execa';
import { describeWithPlane, requirePlane } from '../setup/plane.js';

describeWithPlane('kubectl proxy against the plane', () => {
  it('serves the whole API on 127.0.0.1 with the runner\'s credentials', async () => {
    const plane = requirePlane();
    const proxy = execa(plane.kubectl, ['proxy', '--port=0'], { env: { KUBECONFIG: plane.kubeconfig }, reject: false });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        proxy.stdout?.on('data', (chunk: Buffer) => {
          const match = /Starting to serve on (127\.0\.0\.1:\d+)/.exec(chunk.toString());
          if (match?.[1]) resolve(match[1]);
        });
        void proxy.then((result) => reject(new Error(`kubectl proxy exited: ${result.stderr}`)));
      });
      const response = await fetch(`http://${address}/api/v1/namespaces`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { kind: string; items: { metadata: { name: string } }[] };
      expect(body.kind).toBe('NamespaceList');
      expect(body.items.map((item) => item.metadata.name)).toContain('kube-system');
    } finally {
      proxy.kill();
      await proxy;
    }
  });
});
