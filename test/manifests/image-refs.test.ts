import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanImageRefs } from '../../src/manifests/image-refs.js';

const digest = '@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0';

describe('scanImageRefs', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function lab(files: Record<string, string>): Promise<string> {
    root = await mkdtemp(join(tmpdir(), 'image-refs-test-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }

  it('covers every image line in scenarios/ and labs/, YAML and the YAML quoted in Markdown, and not prose', async () => {
    const dir = await lab({
      'scenarios/a/setup/pod.yaml': `spec:\n  containers:\n    - name: a\n      image: busybox:1.37.0${digest}\n      command: [sh]\n`,
      'scenarios/a/briefing.md': "The `image:` field says which.\n```yaml\n      image: 'redis:7.4.11-alpine' # the db\n```\n",
      'labs/cluster/kind.yaml': 'nodes:\n  - image: kindest/node:v1.36.4@sha256:099e\n',
      'scenarios/a/notes.txt': 'image: nginx:latest\n',
      'scenarios/a/debrief.md': '```yaml\n  image: registry.example.internal/*@sha256:*\n```\n',
    });
    const refs = await scanImageRefs(dir);
    expect([...refs.keys()].sort()).toEqual([`busybox:1.37.0${digest}`, 'kindest/node:v1.36.4@sha256:099e', 'redis:7.4.11-alpine']);
    expect(refs.get('redis:7.4.11-alpine')).toEqual(['scenarios/a/briefing.md']);
  });

  it('names every file that uses a reference, and scans only the folders asked for', async () => {
    const dir = await lab({
      'scenarios/a/setup/x.yaml': '  - image: redis:7\n',
      'scenarios/b/setup/y.yml': '    image: "redis:7"\n',
      'labs/addons/z.yaml': '  image: busybox:1\n',
    });
    expect((await scanImageRefs(dir)).get('redis:7')).toEqual(['scenarios/a/setup/x.yaml', 'scenarios/b/setup/y.yml']);
    expect([...(await scanImageRefs(dir, ['labs'])).keys()]).toEqual(['busybox:1']);
    expect((await scanImageRefs(join(dir, 'nowhere'))).size).toBe(0);
  });
});
