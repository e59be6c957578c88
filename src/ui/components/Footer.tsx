import { Box, Text } from 'ink';
import type { Binding } from '../keys.js';

/** The screen's keys, as "key label" pairs, cut to the width rather than wrapped. */
export function Footer({ bindings }: { bindings: readonly Binding[] }) {
  return (
    <Box>
      <Text wrap="truncate-end">
        {bindings.map((binding, index) => (
          <Text key={binding.keys}>
            {index > 0 ? '  ' : ''}
            <Text bold>{binding.keys.split(' ')[0]}</Text>
            <Text dimColor> {binding.label}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
