import { Box, Text } from 'ink';
import type { ClusterStatus } from '../../state/services.js';

const clusterText: Record<ClusterStatus['state'], { text: string; color: string }> = {
  checking: { text: 'checking cluster…', color: 'gray' },
  ready: { text: 'lab cluster ready', color: 'green' },
  'not-lab': { text: 'not a lab cluster', color: 'yellow' },
  unreachable: { text: 'cluster unreachable', color: 'red' },
  'no-kubeconfig': { text: 'no cluster', color: 'yellow' },
};

const networkPolicyText = { true: 'NetworkPolicy enforced', false: 'NetworkPolicy NOT enforced', unknown: 'NetworkPolicy unproven' } as const;

/** One line: context, cluster health and NetworkPolicy enforcement; what to do when something is missing. */
export function StatusBar({ cluster }: { cluster: ClusterStatus }) {
  const health = clusterText[cluster.state];
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold color="cyan">k8s-sec-lab </Text>
        {cluster.context ? <Text dimColor>{cluster.context} </Text> : null}
        <Text color={health.color}>● {health.text}</Text>
        {cluster.state === 'ready' && cluster.networkPolicy ? (
          <Text color={cluster.networkPolicy === 'true' ? 'green' : 'yellow'}> · {networkPolicyText[cluster.networkPolicy]}</Text>
        ) : null}
      </Box>
      {cluster.state !== 'ready' && cluster.state !== 'checking' && cluster.message ? (
        <Text color="yellow" wrap="truncate-end">
          {cluster.message}
        </Text>
      ) : null}
    </Box>
  );
}
