import { Box, Text } from 'ink';
import { terminalText } from '../terminal-text.js';
import { Styled } from './Styled.js';

interface LogTailProps {
  lines: string[];
  total: number;
  width: number;
  /** Show at most this many of the lines: a short terminal gets a shorter tail. */
  max: number;
}

/** The last lines of the build log, each cut to one terminal line so the view keeps its height. */
export function LogTail({ lines: all, total, width, max }: LogTailProps) {
  const lines = all.slice(-Math.max(1, max));
  if (lines.length === 0) return null;
  return (
    <Box flexDirection="column" width={width}>
      <Styled tone="muted">
        log ({total} lines, last {lines.length})
      </Styled>
      {lines.map((line, i) => (
        <Text key={`${total}-${i}`} wrap="truncate-end">
          <Styled tone="muted">│ </Styled>
          {terminalText(line.replace(/\t/g, '  '))}
        </Text>
      ))}
    </Box>
  );
}
