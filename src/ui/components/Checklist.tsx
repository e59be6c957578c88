import { Box, Text } from 'ink';
import wrapAnsi from 'wrap-ansi';
import type { CheckResult, CheckStatus } from '../../grading/types.js';

const marks: Record<CheckStatus | 'pending', { mark: string; color: string }> = {
  pass: { mark: '✓', color: 'green' },
  fail: { mark: '✗', color: 'red' },
  error: { mark: '!', color: 'magenta' },
  skipped: { mark: '-', color: 'gray' },
  pending: { mark: '·', color: 'gray' },
};

/** At most this many lines explain the first open check; the rest is one `check` away. */
const maxReasonLines = 3;

export interface ChecklistRow {
  key: string;
  mark?: { mark: string; color: string };
  text: string;
  note?: string;
  color?: string;
}

/**
 * The checklist as rows: one per check, and under the first check that is
 * not passing, why (wrapped here, so the screen knows its exact height).
 */
export function checklistRows(titles: readonly { id: string; title: string; role: 'fix' | 'guard' }[], results: readonly CheckResult[] | undefined, width: number): ChecklistRow[] {
  const byId = new Map(results?.map((result) => [result.id, result]));
  const firstOpen = results?.find((result) => result.status === 'fail' || result.status === 'error');
  return titles.flatMap((check) => {
    const result = byId.get(check.id);
    const mark = marks[result?.status ?? 'pending'];
    const row: ChecklistRow = { key: check.id, mark, text: check.title, ...(check.role === 'guard' ? { note: ' (keeps working)' } : {}) };
    if (!result || result.id !== firstOpen?.id) return [row];
    const reason = wrapAnsi(result.message, width - 2, { hard: true }).split('\n');
    const shown = reason.length > maxReasonLines ? [...reason.slice(0, maxReasonLines - 1), `${reason[maxReasonLines - 1]}…`] : reason;
    return [row, ...shown.map((line, index) => ({ key: `${check.id}-reason-${index}`, text: `  ${line}`, color: mark.color }))];
  });
}

export function Checklist({ rows }: { rows: readonly ChecklistRow[] }) {
  return (
    <Box flexDirection="column" flexShrink={0}>
      {rows.map((row) => (
        <Text key={row.key} wrap="truncate-end" {...(row.color ? { color: row.color } : {})}>
          {row.mark ? <Text color={row.mark.color}>{row.mark.mark} </Text> : null}
          {row.text}
          {row.note ? <Text dimColor>{row.note}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
