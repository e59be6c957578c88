import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReleaseMode = 'good' | 'bad-checksum' | 'missing' | 'interrupted';

export interface ReleaseServer {
  /** Base URL to put in K8S_SEC_LAB_KIND_DOWNLOAD_URL. */
  base: string;
  /** The bytes served as every binary: a tiny script that prints a kind version. */
  binary: Buffer;
  requests: string[];
  close(): Promise<void>;
}

/** A local stand-in for kind's GitHub releases, on 127.0.0.1 only. */
export async function startReleaseServer(mode: ReleaseMode): Promise<ReleaseServer> {
  const binary = Buffer.from(`#!/bin/sh\necho "kind v0.33.0 go1.25.1 linux/amd64"\n${'#'.repeat(64 * 1024)}\n`);
  const digest = createHash('sha256').update(mode === 'bad-checksum' ? 'something else' : binary).digest('hex');
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = request.url ?? '';
    requests.push(url);
    if (mode === 'missing' || !/^\/v\d+\.\d+\.\d+\/kind-[a-z]+-[a-z0-9]+(\.sha256sum)?$/.test(url)) {
      response.writeHead(404).end('Not Found');
      return;
    }
    if (url.endsWith('.sha256sum')) {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`${digest}  ${url.split('/').pop()?.replace('.sha256sum', '')}\n`);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': binary.length });
    if (mode !== 'interrupted') {
      response.end(binary);
      return;
    }
    // Half the promised bytes, then the connection dies.
    response.write(binary.subarray(0, binary.length / 2), () => response.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    binary,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
