import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  evaluatePodSecurity,
  podSecurityCheckIds,
  type PodSecurityResult,
} from '../../../src/engines/pod-security/index.js';

type Level = 'baseline' | 'restricted';

const checkByFileName = new Map(podSecurityCheckIds.map((id) => [id.toLowerCase(), id]));

/** `capabilities_restricted2.yaml` -> `capabilities_restricted`: the check that must reject the fixture. */
function checkNamedBy(file: string): string {
  const check = checkByFileName.get(file.replace(/\d*\.yaml$/, ''));
  if (!check) throw new Error(`fixture ${file} does not name a Pod Security check`);
  return check;
}

function yamlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.yaml')).sort() : [];
}

function evaluateFixture(file: string, version: string): PodSecurityResult {
  const pod = parse(readFileSync(file, 'utf8')) as { metadata?: unknown; spec?: unknown };
  return evaluatePodSecurity(pod.metadata, pod.spec, { version });
}

function meets(result: PodSecurityResult, level: Level): boolean {
  return level === 'baseline' ? result.level !== 'privileged' : result.level === 'restricted';
}

function summary(result: PodSecurityResult): string {
  return `level ${result.level}; violations: ${result.violations.map((violation) => `${violation.check} at ${violation.path}`).join('; ')}`;
}

/** Every pass fixture meets its level, every fail fixture does not and is rejected by the check its name gives. */
function describeConformance(root: string, level: Level, version: string): { pass: number; fail: number } {
  const pass = yamlFiles(join(root, level, version, 'pass'));
  const fail = yamlFiles(join(root, level, version, 'fail'));
  describe(`${level} ${version}`, () => {
    it.each(pass)('admits pass/%s', (file) => {
      const result = evaluateFixture(join(root, level, version, 'pass', file), version);
      expect(meets(result, level), summary(result)).toBe(true);
    });
    it.each(fail)('rejects fail/%s with the check its name gives', (file) => {
      const result = evaluateFixture(join(root, level, version, 'fail', file), version);
      expect(meets(result, level), summary(result)).toBe(false);
      expect(result.violations.map((violation) => violation.check)).toContain(checkNamedBy(file));
    });
  });
  return { pass: pass.length, fail: fail.length };
}

const sharedFixtures = fileURLToPath(new URL('../../fixtures/psa', import.meta.url));

describe('Pod Security conformance with the upstream v1.37 fixtures', () => {
  const baseline = describeConformance(sharedFixtures, 'baseline', 'v1.37');
  const restricted = describeConformance(sharedFixtures, 'restricted', 'v1.37');

  it('found the fixtures (an empty folder must not pass silently)', () => {
    expect(baseline.pass + restricted.pass).toBeGreaterThan(20);
    expect(baseline.fail + restricted.fail).toBeGreaterThan(80);
  });
});

/**
 * The pod-security-admission module ships the same fixtures for every policy
 * version. tools/psa-fixtures/go.mod pins it, and `go mod download` fetches
 * it (checksum-verified, into whatever module cache this machine uses), so
 * every version v1.0 … v1.37 is checked on any machine with Go.
 */
const pinnedModule = fileURLToPath(new URL('../../../tools/psa-fixtures', import.meta.url));
const upstreamFixtureCount = 4_537;

function upstreamTestdata(): string | undefined {
  let dir: string;
  try {
    const output = execFileSync('go', ['mod', 'download', '-json', 'k8s.io/pod-security-admission'], { cwd: pinnedModule, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    dir = (JSON.parse(output) as { Dir: string }).Dir;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'Go is not installed' : `go mod download failed: ${(error as Error).message}`;
    if (process.env.CI === 'true') throw new Error(`the upstream Pod Security fixtures are required under CI=true: ${reason}`);
    process.stderr.write(`\n!!! SKIPPING the Pod Security conformance test over every version: ${reason} !!!\n\n`);
    return undefined;
  }
  return join(dir, 'test', 'testdata');
}

const upstream = upstreamTestdata();

describe.runIf(upstream)('Pod Security conformance with upstream fixtures of every version (pinned in tools/psa-fixtures)', () => {
  const counts = Array.from({ length: 38 }, (_, minor) =>
    upstream ? [describeConformance(upstream, 'baseline', `v1.${minor}`), describeConformance(upstream, 'restricted', `v1.${minor}`)] : [],
  ).flat();

  it(`ran all ${upstreamFixtureCount} fixtures`, () => {
    expect(counts.reduce((sum, { pass, fail }) => sum + pass + fail, 0)).toBe(upstreamFixtureCount);
  });
});
