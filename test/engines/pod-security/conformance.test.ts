import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
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
 * version. When it is in the Go module cache (the test control plane's build
 * puts k8s.io modules there; `go mod download k8s.io/pod-security-admission@v0.37.2`
 * adds it), every version v1.0 … v1.37 is checked too.
 */
function upstreamTestdata(): string | undefined {
  const moduleCache = process.env.GOMODCACHE ?? join(process.env.GOPATH ?? join(homedir(), 'go'), 'pkg', 'mod');
  const modules = join(moduleCache, 'k8s.io');
  if (!existsSync(modules)) return undefined;
  const newest = readdirSync(modules)
    .filter((name) => /^pod-security-admission@v0\.37\.\d+$/.test(name))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .pop();
  return newest && join(modules, newest, 'test', 'testdata');
}

const upstream = upstreamTestdata();

describe.skipIf(!upstream)('Pod Security conformance with upstream fixtures of every version (Go module cache)', () => {
  for (let minor = 0; minor <= 37; minor++) {
    describeConformance(upstream!, 'baseline', `v1.${minor}`);
    describeConformance(upstream!, 'restricted', `v1.${minor}`);
  }
});
