import { get as httpGet } from 'node:http';
import { request } from 'node:https';

/** Just enough of an HTTPS client to bootstrap the plane before kubectl is wired up. */
export interface ApiTarget {
  server: string;
  ca: string;
  token: string;
}

export interface ApiResponse {
  status: number;
  body: string;
}

export function apiRequest(target: ApiTarget, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, target.server),
      {
        method,
        ca: target.ca,
        timeout: 5_000,
        headers: {
          authorization: `Bearer ${target.token}`,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Status of a plain-HTTP GET (etcd's /health), or undefined when nothing answers. */
export function plainGetStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = httpGet(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
