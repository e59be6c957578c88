import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { doctorMarks } from '../../render/marks.js';
import type { LabState } from '../../state/store.js';

/** What this machine has and lacks for the lab, each problem with the command that fixes it. */
export function Doctor({ state }: { state: LabState }) {
  const { running, items, error } = state.doctor;
  if (running) {
    return (
      <Text>
        <Spinner type="dots" /> checking this machine…
      </Text>
    );
  }
  if (error) return <Text color="red">{error}</Text>;
  return (
    <Box flexDirection="column">
      <Text bold>Doctor</Text>
      {(items ?? []).map((item) => (
        <Box key={item.id} flexDirection="column">
          <Text wrap="truncate-end">
            <Text color={doctorMarks[item.status].color}>{doctorMarks[item.status].mark}</Text> {item.title}: <Text dimColor>{item.detail}</Text>
          </Text>
          {item.fix && item.status !== 'ok' ? (
            <Text color="cyan" wrap="truncate-end">
              {'    '}fix: {item.fix}
            </Text>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
