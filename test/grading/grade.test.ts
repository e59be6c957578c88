import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { overallStatus } from '../../src/grading/grade.js';
import type { GradeReport } from '../../src/grading/types.js';
import { gradeJson, gradeText } from '../../src/render/grade.js';

const plain = new Chalk({ level: 0 });
const check = (id: string, status: 'pass' | 'fail' | 'error' | 'skipped', message = `${id} ${status}`) => ({ id, title: `Title ${id}`, kind: 'object-state' as const, role: 'fix' as const, status, message });

describe('overallStatus', () => {
  it.each([
    [['pass', 'pass'], 'pass'],
    [['pass', 'skipped'], 'pass'],
    [['pass', 'fail'], 'fail'],
    [['fail', 'error'], 'error'],
    [['skipped', 'skipped'], 'error'],
  ] as const)('%j -> %s', (statuses, expected) => {
    expect(overallStatus(statuses.map((status) => ({ status })))).toBe(expected);
  });
});

describe('gradeText', () => {
  it('explains each check that is not passing and points at the next hint', () => {
    const report: GradeReport = {
      scenario: 'demo',
      status: 'fail',
      checks: [check('a', 'pass'), { ...check('b', 'fail', 'Pod x: privileged is true'), nextHint: 'nudge' }, check('c', 'skipped', 'no runtime')],
      requests: 3,
      durationMs: 12,
    };
    const text = gradeText(report, plain);
    expect(text).toContain('demo: FAIL (1 passed, 1 failed, 1 skipped)');
    expect(text).toContain('  ✗ Title b\n      Pod x: privileged is true');
    expect(text).toContain('skipped: no runtime');
    expect(text).toContain('k8s-sec-lab hint demo reveals a nudge for "Title b"');
  });

  it('says it in one line when every check failed for the same reason', () => {
    const report: GradeReport = {
      scenario: 'demo',
      status: 'error',
      checks: [check('a', 'error', 'cannot reach the API server'), check('b', 'error', 'cannot reach the API server'), check('c', 'skipped')],
      requests: 1,
      durationMs: 5,
    };
    expect(gradeText(report, plain)).toBe('demo: ERROR: cannot reach the API server');
  });
});

describe('gradeJson', () => {
  it('keeps the documented shape with evidence null when there is none', () => {
    const json = gradeJson({ scenario: 'demo', status: 'pass', checks: [check('a', 'pass')], requests: 1, durationMs: 2 });
    expect(json.checks[0]).toEqual({ id: 'a', title: 'Title a', role: 'fix', status: 'pass', message: 'a pass', evidence: null });
  });
});
