import type { Labels } from '../../model/k8s.js';
import { isAbsent, isRecord, listAt, scalarText } from './shape.js';
import type { ReportIssue } from './types.js';

export type LabelMatcher = (labels: Labels) => boolean;

export const matchesEverything: LabelMatcher = () => true;

/**
 * Compiles a metav1.LabelSelector with the API server's semantics (an empty
 * selector matches everything; NotIn and DoesNotExist match a missing key).
 * An invalid selector is reported and matches everything, so every verdict it
 * could change surfaces the issue instead of silently ignoring the policy.
 */
export function compileLabelSelector(selector: unknown, path: string, report: ReportIssue): LabelMatcher {
  if (isAbsent(selector)) return matchesEverything;
  if (!isRecord(selector)) {
    report(path, 'expected a label selector (matchLabels and/or matchExpressions)');
    return matchesEverything;
  }
  let valid = true;
  const reportInvalid: ReportIssue = (at, message) => {
    valid = false;
    report(at, message);
  };
  const requirements = [
    ...matchLabelRequirements(selector.matchLabels, `${path}.matchLabels`, reportInvalid),
    ...expressionRequirements(selector.matchExpressions, `${path}.matchExpressions`, reportInvalid),
  ];
  if (!valid || requirements.length === 0) return matchesEverything;
  const [only] = requirements;
  if (requirements.length === 1 && only) return only;
  return (labels) => requirements.every((requirement) => requirement(labels));
}

function matchLabelRequirements(matchLabels: unknown, path: string, report: ReportIssue): LabelMatcher[] {
  if (isAbsent(matchLabels)) return [];
  if (!isRecord(matchLabels)) {
    report(path, 'expected a map of label keys to values');
    return [];
  }
  return Object.entries(matchLabels).flatMap(([key, raw]) => {
    const value = scalarText(raw);
    if (value === undefined) {
      report(`${path}.${key}`, 'expected a label value (a string)');
      return [];
    }
    return [(labels: Labels) => Object.hasOwn(labels, key) && labels[key] === value];
  });
}

function expressionRequirements(expressions: unknown, path: string, report: ReportIssue): LabelMatcher[] {
  const list = listAt(expressions, path, report) ?? [];
  return list.flatMap((expression, index) => {
    const requirement = compileExpression(expression, `${path}[${index}]`, report);
    return requirement ? [requirement] : [];
  });
}

function compileExpression(expression: unknown, path: string, report: ReportIssue): LabelMatcher | undefined {
  if (!isRecord(expression) || typeof expression.key !== 'string' || expression.key === '') {
    report(path, 'expected {key, operator, values}');
    return undefined;
  }
  const key = expression.key;
  const values = (listAt(expression.values, `${path}.values`, report) ?? []).map(scalarText);
  if (values.some((value) => value === undefined)) {
    report(`${path}.values`, 'expected a list of strings');
    return undefined;
  }
  const allowed = new Set(values as string[]);
  const has = (labels: Labels) => Object.hasOwn(labels, key);
  switch (expression.operator) {
    case 'In':
    case 'NotIn': {
      if (allowed.size === 0) {
        report(`${path}.values`, `operator ${expression.operator} needs at least one value`);
        return undefined;
      }
      const inSet = (labels: Labels) => has(labels) && allowed.has(labels[key] as string);
      return expression.operator === 'In' ? inSet : (labels) => !inSet(labels);
    }
    case 'Exists':
    case 'DoesNotExist':
      if (allowed.size > 0) {
        report(`${path}.values`, `operator ${expression.operator} takes no values`);
        return undefined;
      }
      return expression.operator === 'Exists' ? has : (labels) => !has(labels);
    default:
      report(`${path}.operator`, `unknown operator ${JSON.stringify(expression.operator)}; use In, NotIn, Exists or DoesNotExist`);
      return undefined;
  }
}
