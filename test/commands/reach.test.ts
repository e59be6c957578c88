import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { syntheticCluster } from '../engines/network-policy/helpers/synthetic-cluster.js';
import { runCliForTest } from '../helpers/run-cli.js';

const shop = fileURLToPath(new URL('../fixtures/reach/shop', import.meta.url));
const brokenCidr = fileURLToPath(new URL('../fixtures/reach/broken-cidr.yaml', import.meta.url));

const reach = (...args: string[]) => runCliForTest(['reach', '-f', shop, ...args]);

describe('k8s-sec-lab reach (one connection)', () => {
  it('prints an allowed verdict with the isolating policies and the allowing rules, exit 0', async () => {
    const result = await reach('--from', 'shop/web', '--to', 'shop/api', '--port', '8080');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      '✓ ALLOWED  shop/web → shop/api  TCP 8080',
      '  ✓ egress   shop/web is egress-isolated by shop/default-deny and shop/web-egress; shop/web-egress spec.egress[0] allows TCP 8080 to shop/api.',
      '  ✓ ingress  shop/api is ingress-isolated by shop/default-deny and shop/api; shop/api spec.ingress[0] allows TCP 8080 from shop/web.',
      '',
    ]);
  });

  it('exits 1 on a denied connection and names the rule that almost allowed it', async () => {
    const result = await reach('--from', 'ops/monitor', '--to', 'shop/api', '--port', '8080');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('✗ DENIED  ops/monitor → shop/api  TCP 8080');
    expect(result.stdout).toContain('shop/api spec.ingress[1] selects ops/monitor, but only for TCP 9090');
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('prints the verdict as JSON', async () => {
    const result = await reach('--from', 'shop/web', '--to', 'shop/api', '--port', '8080', '--json');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      protocol: 'TCP',
      allowed: true,
      egress: { isolated: true, isolatedBy: ['shop/default-deny', 'shop/web-egress'], allowedBy: [{ policy: 'shop/web-egress', rule: 0, path: 'spec.egress[0]' }] },
      ingress: { isolated: true, allowedBy: [{ policy: 'shop/api', rule: 0, path: 'spec.ingress[0]' }] },
      explanation: expect.stringMatching(/^Allowed\. /),
    });
  });

  it('denies the instance metadata service through ipBlock except, but not the rest of the internet', async () => {
    const imds = await reach('--from', 'shop/web', '--to', '169.254.169.254', '--port', '80', '--json');
    expect(imds.exitCode).toBe(1);
    expect(JSON.parse(imds.stdout)).toMatchObject({ allowed: false, egress: { isolated: true, allowedBy: [] }, ingress: { isolated: false } });
    const internet = await reach('--from', 'shop/web', '--to', '93.184.216.34', '--port', '443', '--json');
    expect(JSON.parse(internet.stdout)).toMatchObject({ allowed: true, egress: { allowedBy: [{ path: 'spec.egress[2]' }] } });
  });

  it('lets DNS through on UDP only', async () => {
    expect((await reach('--from', 'shop/web', '--to', 'kube-system/coredns', '--port', '53', '--protocol', 'udp')).exitCode).toBe(0);
    expect((await reach('--from', 'shop/web', '--to', 'kube-system/coredns', '--port', '53')).exitCode).toBe(1);
  });

  it('treats the IP of a pod in the input as that pod', async () => {
    const result = await reach('--from', '10.244.0.10', '--to', 'shop/api', '--port', '8080', '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ from: 'shop/web', allowed: true });
  });

  it('reads manifests from stdin with -f -', async () => {
    const stdin = ['cluster.yaml', 'policies.yaml'].map((file) => readFileSync(`${shop}/${file}`, 'utf8')).join('\n---\n');
    const result = await runCliForTest(['reach', '-f', '-', '--from', 'shop/api', '--to', 'shop/db', '--port', '5432'], { stdin });
    expect(result.exitCode).toBe(0);
  });
});

describe('k8s-sec-lab reach --matrix', () => {
  it('prints a grid within 80 columns with a legend, exit 0', async () => {
    const result = await reach('--matrix', '--port', '8080');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    expect(lines).toContain('1  shop/web            ✗ ✓ ✗ ✗ ✗');
    expect(lines).toContain('4  ops/monitor         ✗ ✗ ✗ ✓ ✓');
    expect(result.stdout).toContain('✓ allowed  ✗ denied  — 5 of 25 pairs allowed');
  });

  it('prints the matrix as JSON', async () => {
    const result = await reach('--matrix', '--port', '5432', '--json');
    const matrix = JSON.parse(result.stdout) as { port: number; protocol: string; pods: string[]; allowed: boolean[][] };
    expect(matrix).toMatchObject({ port: 5432, protocol: 'TCP', pods: ['shop/web', 'shop/api', 'shop/db', 'ops/monitor', 'kube-system/coredns'] });
    expect(matrix.allowed[1]).toEqual([false, false, true, false, false]);
    expect(matrix.allowed[0]![2]).toBe(false);
  });

  it('cuts long names and lists them in full under the grid', async () => {
    const pods = Array.from({ length: 12 }, (_, index) =>
      `{"apiVersion":"v1","kind":"Pod","metadata":{"namespace":"payments-production","name":"transaction-reconciler-${index}"}}`,
    ).join('\n---\n');
    const result = await runCliForTest(['reach', '-f', '-', '--matrix', '--port', '80'], { stdin: pods });
    const lines = result.stdout.split('\n');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    expect(lines).toContain(` 1  payments-production/transaction-reconci… ${Array(12).fill(' ✓').join(' ')}`);
    expect(lines).toContain('12  payments-production/transaction-reconciler-11');
  });
});

describe('k8s-sec-lab reach: mistakes', () => {
  it.each([
    [['--from', 'shop/web', '--to', 'shop/nope', '--port', '80'], 'error: --to shop/nope: no pod shop/nope in', 'fix: name one of the pods in the input, e.g. shop/web, shop/api, shop/db, ops/monitor, kube-system/coredns'],
    [['--from', 'a/b/c', '--to', 'shop/api', '--port', '80'], 'error: --from a/b/c is neither namespace/pod nor an IP address', 'fix: write --from like shop/web'],
    [['--from', 'shop/web', '--to', 'shop/api', '--port', '0'], 'error: --port 0 is not a port number', 'fix: pass --port with a number from 1 to 65535'],
    [['--from', 'shop/web', '--to', 'shop/api', '--port', '53', '--protocol', 'icmp'], 'error: --protocol icmp is not supported', 'fix: pass --protocol TCP, UDP or SCTP'],
    [['--from', 'shop/web', '--port', '80'], 'error: missing --to', 'fix: pass both --from and --to'],
    [['--from', '8.8.8.8', '--to', '1.1.1.1', '--port', '53'], 'error: neither 8.8.8.8 nor 1.1.1.1 is a pod in', 'fix: name a pod (namespace/pod) on at least one side'],
    [['--matrix', '--from', 'shop/web', '--port', '80'], 'error: --matrix judges every pod pair, so it takes no --from or --to', 'fix: drop --from/--to'],
  ])('rejects %j with exit 2, naming the bad value and the fix', async (args, error, fix) => {
    const result = await reach(...args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(error);
    expect(result.stderr).toContain(fix);
  });

  it('exits 2 when --port is missing', async () => {
    const result = await reach('--from', 'shop/web', '--to', 'shop/api');
    expect(result).toMatchObject({ exitCode: 2, stderr: expect.stringContaining("required option '--port <number>' not specified") });
  });

  it('exits 2 with the policy and field path when a policy makes a verdict impossible', async () => {
    const result = await runCliForTest(['reach', '-f', brokenCidr, '--from', 'shop/web', '--to', '1.1.1.1', '--port', '443']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: the input makes a verdict impossible: NetworkPolicy shop/egress spec.egress[0].to[0].ipBlock.cidr: "0.0.0.0/33" is not a CIDR');
  });

  it('exits 2 for a file that does not exist', async () => {
    const result = await runCliForTest(['reach', '-f', `${shop}/missing.yaml`, '--matrix', '--port', '80']);
    expect(result).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('no such file or directory') });
  });
});

describe('k8s-sec-lab reach --matrix at 8,000 pods and 2,000 policies', () => {
  it('streams the JSON (64 million cells, more than one string can hold) and exits 0', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reach-large-'));
    try {
      const cluster = syntheticCluster({ pods: 8000, namespaces: 50, policies: 2000 });
      const file = join(dir, 'cluster.yaml');
      await writeFile(file, [...cluster.namespaces, ...cluster.pods, ...cluster.policies].map((object) => stringify(object)).join('---\n'));
      const repo = fileURLToPath(new URL('../../', import.meta.url));
      const child = spawn(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'src', 'cli.ts'), 'reach', '-f', file, '--matrix', '--port', '8080', '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let bytes = 0;
      let head = '';
      let tail = Buffer.alloc(0);
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (head.length < 60) head += chunk.toString('utf8', 0, 60);
        tail = Buffer.concat([tail, chunk]).subarray(-40);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(head).toMatch(/^\{\n {2}"port": 8080,\n {2}"protocol": "TCP",/);
      expect(tail.toString('utf8')).toMatch(/(?: true|false)\]\n {2}\]\n\}\n$/);
      expect(bytes).toBeGreaterThan(8000 * 8000 * 5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
