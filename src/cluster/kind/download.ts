import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { LabError, messageOf } from '../../errors.js';

export interface DownloadOptions {
  signal?: AbortSignal;
  /** What to tell the user when the download cannot be completed. */
  fix: string;
}

/**
 * Downloads an executable and installs it at `dest` only once its SHA-256
 * matches the published `<url>.sha256sum`. The bytes go to `<dest>.partial`
 * first and are renamed into place after verification, so an interrupted or
 * forged transfer never leaves a runnable file behind.
 */
export async function downloadVerified(url: string, dest: string, options: DownloadOptions): Promise<void> {
  const expected = await publishedChecksum(`${url}.sha256sum`, options);
  const partial = `${dest}.partial`;
  await mkdir(dirname(dest), { recursive: true });
  const response = await get(url, options);
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), hashing, createWriteStream(partial, { mode: 0o600 }));
  } catch (error) {
    await rm(partial, { force: true });
    throw new LabError(`the download of ${url} was interrupted (${messageOf(error)}); nothing was installed`, { fix: `retry; or install it yourself: ${options.fix}`, cause: error });
  }
  const actual = hash.digest('hex');
  if (actual !== expected) {
    await rm(partial, { force: true });
    throw new LabError(`${url} does not match its published checksum (expected sha256 ${expected}, got ${actual}); the file was deleted`, {
      fix: `retry later (the download may have been corrupted or tampered with); or install it yourself: ${options.fix}`,
    });
  }
  await chmod(partial, 0o755);
  await rename(partial, dest);
}

/** The hex digest in a `sha256sum` line ("<64 hex>  kind-linux-amd64"). */
async function publishedChecksum(url: string, options: DownloadOptions): Promise<string> {
  const response = await get(url, options);
  const text = await response.text();
  const digest = /^\s*([0-9a-f]{64})\b/i.exec(text)?.[1];
  if (!digest) {
    throw new LabError(`${url} holds no SHA-256 checksum (it starts with ${JSON.stringify(text.slice(0, 40))})`, { fix: `install it yourself: ${options.fix}` });
  }
  return digest.toLowerCase();
}

async function get(url: string, options: DownloadOptions): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    const reason = error instanceof Error && error.cause ? messageOf(error.cause) : messageOf(error);
    throw new LabError(`cannot download ${url}: ${reason}`, { fix: `check your network connection and retry; or install it yourself: ${options.fix}`, cause: error });
  }
  if (!response.ok || !response.body) {
    throw new LabError(`cannot download ${url}: HTTP ${response.status}`, { fix: `install it yourself: ${options.fix}` });
  }
  return response;
}
