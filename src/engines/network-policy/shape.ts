import type { Labels } from '../../model/k8s.js';
import type { ReportIssue } from './types.js';

// Live objects and manifests are untrusted JSON: these readers never throw.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** A scalar as label text: YAML turns `version: 1` into a number, the API server would not. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A label map with non-scalar values dropped. */
export function labelsOf(value: unknown): Labels {
  const labels: Labels = {};
  if (!isRecord(value)) return labels;
  for (const [key, raw] of Object.entries(value)) {
    const text = scalarText(raw);
    if (text !== undefined) labels[key] = text;
  }
  return labels;
}

export function stringAt(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A list field: absent gives undefined, anything but an array is reported. */
export function listAt(value: unknown, path: string, report: ReportIssue): unknown[] | undefined {
  if (isAbsent(value)) return undefined;
  if (Array.isArray(value)) return value;
  report(path, 'expected a list');
  return undefined;
}
