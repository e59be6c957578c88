import { Text } from 'ink';

export const minimumSize = { columns: 80, rows: 24 };

/** Shown instead of any screen while the terminal is below the size the layout needs. */
export function TooSmall({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Text color="yellow" wrap="wrap">
      k8s-sec-lab needs a terminal of at least {minimumSize.columns}×{minimumSize.rows}; this one is {columns}×{rows}. Enlarge it, or press q
      to quit.
    </Text>
  );
}
