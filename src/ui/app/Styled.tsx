import { Text } from 'ink';
import type { ReactNode } from 'react';
import { toneColor, useTheme, type Tone } from './use-theme.js';

interface StyledProps {
  tone?: Tone;
  bold?: boolean;
  /** How ink cuts a line that does not fit; default wraps. */
  wrap?: 'wrap' | 'truncate-end' | 'truncate-middle';
  children: ReactNode;
}

/** Text with a meaning instead of a colour: under NO_COLOR it prints plain characters only. */
export function Styled({ tone, bold, wrap, children }: StyledProps) {
  const { noColor } = useTheme();
  if (noColor) return <Text wrap={wrap}>{children}</Text>;
  return (
    <Text color={tone ? toneColor(tone) : undefined} dimColor={tone === 'muted'} bold={bold} wrap={wrap}>
      {children}
    </Text>
  );
}
