import { useEffect, useMemo } from 'react';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import wrapAnsi from 'wrap-ansi';
import type { Scenario as LoadedScenario } from '../../catalogue/load.js';
import { renderMarkdown } from '../../render/markdown.js';
import type { LabState } from '../../state/store.js';
import { Checklist, checklistRows } from '../components/Checklist.js';

const busyText = { starting: 'deploying the setup', checking: 'checking', hinting: 'finding a hint', resetting: 'resetting', solving: 'applying the solution' } as const;

/**
 * One scenario: its live checklist on top, then the briefing (or, once passed,
 * the debrief) as rendered Markdown that scrolls within the space left.
 */
export function Scenario({
  state,
  scenario,
  height,
  color,
  setScrollLimit,
}: {
  state: LabState;
  scenario: LoadedScenario;
  height: number;
  color: boolean;
  setScrollLimit: (limit: number) => void;
}) {
  const width = state.size.columns;
  const run = state.runs[scenario.id];
  const passed = run?.report?.status === 'pass';
  const document = useMemo(
    () => renderMarkdown(passed ? scenario.debrief : scenario.briefing, { width: width - 2, color }).split('\n'),
    [scenario, passed, width, color],
  );

  const rows = checklistRows(scenario.checks, run?.report?.checks, width);
  const hint = run?.hint ? hintRows(run.hint.rungs, width) : [];
  const hintLines = run?.hint ? hint.length + 1 : 0;
  const flags = scenario.flags;
  const planted = state.progress.scenarios[scenario.id]?.flags ?? {};
  const captured = flags.filter((flag) => planted[flag.id]?.capturedAt).length;
  const attackLines = flags.length > 0 ? 1 + (state.flagEntry !== null ? 1 : 0) + (run?.flagResult ? 1 : 0) : 0;
  const statusLines = (run?.busy ? 1 : 0) + (run?.error ? 1 : 0) + attackLines;
  // Title, checks header and briefing header take a line each; the document gets the rest.
  const documentHeight = Math.max(3, height - 3 - rows.length - hintLines - statusLines);
  const scrollLimit = Math.max(0, document.length - documentHeight);
  const scroll = Math.min(state.scroll, scrollLimit);
  useEffect(() => setScrollLimit(scrollLimit), [setScrollLimit, scrollLimit]);
  const visible = document.slice(scroll, scroll + documentHeight);

  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold>{scenario.title}</Text>
        <Text dimColor>
          {'  '}
          {scenario.difficulty} · {scenario.minutes} min · {scenario.namespaces.join(', ')}
        </Text>
      </Text>
      {flags.length > 0 ? (
        <Text wrap="truncate-end">
          <Text color={captured === flags.length ? 'green' : 'yellow'}>
            {captured === flags.length ? '✓' : '•'} attack: {captured} of {flags.length} flags
          </Text>
          <Text dimColor>{captured === flags.length ? '  then the fix: the checks below' : `  ${flags.find((flag) => !planted[flag.id]?.capturedAt)?.where ?? ''} (f to submit)`}</Text>
        </Text>
      ) : null}
      {state.flagEntry !== null ? (
        <Text wrap="truncate-end">
          <Text color="cyan">flag: </Text>
          {state.flagEntry}
          <Text inverse> </Text>
          <Text dimColor>  enter submits · esc cancels</Text>
        </Text>
      ) : null}
      {run?.flagResult ? (
        <Text color={run.flagResult.correct ? 'green' : 'red'} wrap="truncate-end">
          {run.flagResult.message}
        </Text>
      ) : null}
      <Text dimColor>
        {run?.checkedAt ? `checks (last checked ${new Date(run.checkedAt).toLocaleTimeString()})` : 'checks (not checked yet: press s to start, c to check)'}
      </Text>
      <Checklist rows={rows} />
      {run?.hint ? (
        <Box flexDirection="column">
          <Text color="cyan">
            hint for {run.hint.kind === 'attack' ? 'the attack: ' : ''}“{run.hint.title}” ({run.hint.rungs.length} of 3)
          </Text>
          {hint.map((line, index) => (
            <Text key={index} wrap="truncate-end">
              <Text color="cyan">{line.label}</Text>
              {line.text}
            </Text>
          ))}
        </Box>
      ) : null}
      {run?.busy ? (
        <Text color="yellow" wrap="truncate-end">
          <Spinner type="dots" /> {busyText[run.busy]}… <Text dimColor>{run.log.at(-1) ?? ''}</Text>
        </Text>
      ) : null}
      {run?.error ? (
        <Text color="red" wrap="truncate-end">
          {run.error}
        </Text>
      ) : null}
      <Text color={passed ? 'green' : 'gray'}>
        {passed ? '✓ Passed. Debrief' : 'Briefing'} <Text dimColor>(↑↓ scroll, line {scroll + 1} of {document.length})</Text>
      </Text>
      <Box flexDirection="column" height={documentHeight} overflow="hidden">
        {visible.map((line, index) => (
          <Text key={index} wrap="truncate-end">
            {line || ' '}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

/** Hint rungs wrapped under an 8-column label, so long concepts and commands are shown whole. */
function hintRows(rungs: readonly { rung: string; text: string }[], width: number): { label: string; text: string }[] {
  return rungs.flatMap(({ rung, text }) =>
    wrapAnsi(text, width - 9, { hard: true })
      .split('\n')
      .map((line, index) => ({ label: index === 0 ? rung.padEnd(8) : ' '.repeat(8), text: line })),
  );
}
