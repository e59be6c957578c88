import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { ProvisionEvent } from '../../state/services.js';
import type { LabState } from '../../state/store.js';

/** `up` step by step: a spinner on the running step, elapsed times, and the log path when it fails. */
export function Provision({ state }: { state: LabState }) {
  const { events, running, error, logPath } = state.provision;
  const steps = latestPerStep(events);
  return (
    <Box flexDirection="column">
      <Text bold>Creating the lab cluster</Text>
      {steps.map((event) => (
        <Text key={event.step} wrap="truncate-end">
          {event.status === 'start' ? <Spinner type="dots" /> : <Text color={event.status === 'done' ? 'green' : event.status === 'failed' ? 'red' : 'gray'}>{mark(event.status)}</Text>}{' '}
          {event.step} <Text dimColor>{(event.elapsedMs / 1000).toFixed(1)}s</Text>
          {event.detail ? <Text dimColor> {event.detail}</Text> : null}
        </Text>
      ))}
      {running && steps.length === 0 ? <Text dimColor>starting…</Text> : null}
      {running && state.quitting ? <Text color="yellow">stopping kind before quitting…</Text> : null}
      {!running && !error ? <Text color="green">The lab cluster is ready. Press esc to pick a scenario.</Text> : null}
      {error ? (
        <Text color="red" wrap="wrap">
          {error}
        </Text>
      ) : null}
      {logPath ? <Text dimColor>log: {logPath}</Text> : null}
    </Box>
  );
}

function mark(status: ProvisionEvent['status']): string {
  return status === 'done' ? '✓' : status === 'failed' ? '✗' : '-';
}

/** Steps in the order they began, each with its latest event. */
function latestPerStep(events: readonly ProvisionEvent[]): ProvisionEvent[] {
  const byStep = new Map<string, ProvisionEvent>();
  for (const event of events) byStep.set(event.step, event);
  return [...byStep.values()];
}
