import type { ReactElement } from 'react';
import { Box, Text } from 'ink';
import { progressState } from '../../progress/record.js';
import type { LabState } from '../../state/store.js';
import { visibleScenarios, visibleTracks } from '../../state/visible.js';
import { progressLegend, progressMarks } from '../../render/marks.js';

/** The catalogue by track, with progress marks, the selection, the filter and the selected summary. */
export function Home({ state, height }: { state: LabState; height: number }) {
  if (state.loadError) {
    return (
      <Text color="red" wrap="wrap">
        The scenario catalogue could not be loaded: {state.loadError}
      </Text>
    );
  }
  if (!state.catalogue) return <Text dimColor>loading scenarios…</Text>;

  const selected = visibleScenarios(state)[state.cursor];
  const idWidth = Math.max(...state.catalogue.scenarios.map((scenario) => scenario.id.length));
  const rows: ReactElement[] = [];
  for (const track of visibleTracks(state)) {
    rows.push(
      <Text key={`track-${track.id}`} bold>
        {track.title}
      </Text>,
    );
    for (const scenario of track.scenarios) {
      const mark = progressMarks[progressState(state.progress.scenarios[scenario.id])];
      const isSelected = scenario.id === selected?.id;
      rows.push(
        <Text key={scenario.id} wrap="truncate-end" inverse={isSelected}>
          {isSelected ? '▸ ' : '  '}
          <Text color={mark.color}>{mark.mark}</Text> {scenario.id.padEnd(idWidth)}  {scenario.title}
          <Text dimColor>
            {'  '}
            {scenario.difficulty} · {scenario.minutes} min
          </Text>
        </Text>,
      );
    }
  }

  return (
    <Box flexDirection="column" height={height}>
      <Box flexDirection="column" flexGrow={1}>
        {rows.length > 0 ? rows : <Text dimColor>no scenario matches “{state.filter}”</Text>}
      </Box>
      {state.filtering || state.filter ? (
        <Text>
          <Text color="cyan">/</Text>
          {state.filter}
          {state.filtering ? <Text inverse> </Text> : <Text dimColor>  (esc clears)</Text>}
        </Text>
      ) : null}
      {selected ? (
        <Box flexDirection="column" borderStyle="single" borderColor="gray" paddingX={1}>
          <Text bold>{selected.title}</Text>
          <Text wrap="wrap">{selected.summary}</Text>
          <Text dimColor>tags: {selected.tags.join(', ') || 'none'}</Text>
        </Box>
      ) : null}
      <Text dimColor>{progressLegend}</Text>
    </Box>
  );
}
