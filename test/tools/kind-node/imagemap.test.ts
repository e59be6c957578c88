import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatImageMap, imageMapEntries } from '../../../tools/kind-node/imagemap.js';
import { imageNames, standInFor } from '../../../tools/kind-node/names.js';
import { mirrorFromSources } from '../../../tools/kind-node/debian.js';

const names = imageNames('0123456789ab', 'v1.36.3');
const digest = '@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0';

describe('standInFor', () => {
  it('maps by repository, whatever the tag, digest or Docker Hub spelling', () => {
    expect(standInFor(`busybox:1.37.0${digest}`, names)).toBe('local/k8s-sec-lab-busybox:0123456789ab');
    expect(standInFor('docker.io/library/python:3.13-alpine', names)).toBe(names.standIns.python);
    expect(standInFor('redis:7.4.11-alpine', names)).toBe(names.standIns.redis);
    expect(standInFor('registry.k8s.io/kubectl:v1.34.0', names)).toBe(names.standIns.kubectl);
    expect(standInFor('kindest/node:v1.36.4@sha256:099e', names)).toBe('local/kind-node:v1.36.3-0123456789ab');
  });

  it("maps Docker Hub's official images on any registry that keeps their library/ path", () => {
    expect(standInFor(`registry.example.internal/library/python:3.13-alpine${digest}`, names)).toBe(names.standIns.python);
    expect(standInFor('registry.example.internal/library/redis:7.4.11-alpine', names)).toBe(names.standIns.redis);
    expect(standInFor('mirror.example:5000/library/busybox:1.37.0', names)).toBe(names.standIns.busybox);
  });

  it('has no stand-in for other repositories, even with a familiar name inside', () => {
    expect(standInFor('nginx:1.27', names)).toBeUndefined();
    expect(standInFor('ghcr.io/acme/busybox:1', names)).toBeUndefined();
    expect(standInFor('registry.example.internal/team/python:3', names)).toBeUndefined();
    expect(standInFor('registry.k8s.io/kube-apiserver:v1.36.3', names)).toBeUndefined();
  });
});

describe('the image map', () => {
  it('fails naming the reference and its file when an image has no stand-in', () => {
    expect(() => imageMapEntries(new Map([['nginx:1.27.3', ['scenarios/b/setup/web.yaml']]]), names)).toThrow(/nginx:1\.27\.3 \(in scenarios\/b\/setup\/web\.yaml\)/);
  });

  it('is the documented shape: a comment, formatVersion 1 and images from reference to stand-in', () => {
    const text = formatImageMap(imageMapEntries(new Map([[`busybox:1.37.0${digest}`, ['x']], ['kindest/node:v1.36.4@sha256:099e', ['y']]]), names));
    expect(text.split('\n')[0]).toMatch(/^# k8s-sec-lab image map: /);
    expect(parse(text)).toEqual({
      formatVersion: 1,
      images: { [`busybox:1.37.0${digest}`]: names.standIns.busybox, 'kindest/node:v1.36.4@sha256:099e': names.node },
    });
  });
});

describe('mirrorFromSources', () => {
  it("takes the archive URI of deb822 or one-line sources, never the security archive's", () => {
    const deb822 = 'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm\n';
    expect(mirrorFromSources(deb822)).toBe('http://mirror.example/debian');
    expect(mirrorFromSources('deb [arch=amd64] https://ftp.example/debian bookworm main\n')).toBe('https://ftp.example/debian');
    expect(mirrorFromSources('# nothing\n')).toBeUndefined();
  });
});
