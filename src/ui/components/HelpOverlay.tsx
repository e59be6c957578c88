import { Box, Text } from 'ink';
import type { Binding } from '../keys.js';

/** Every key of the current screen with what it does. */
export function HelpOverlay({ title, bindings }: { title: string; bindings: readonly Binding[] }) {
  const width = Math.max(...bindings.map((binding) => binding.keys.length));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>Keys: {title}</Text>
      {bindings.map((binding) => (
        <Text key={binding.keys}>
          <Text bold>{binding.keys.padEnd(width)}</Text>  {binding.help}
        </Text>
      ))}
      <Text dimColor>press ? or esc to close</Text>
    </Box>
  );
}
