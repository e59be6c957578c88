import { Text } from 'ink';

/** A yes/no question in place of the footer; anything but y answers no. */
export function ConfirmBar({ question }: { question: string }) {
  return (
    <Text color="yellow" wrap="wrap">
      {question} <Text bold>[y/N]</Text>
    </Text>
  );
}
