import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { Styled } from './Styled.js';

/** One `label  value` row with the labels in a fixed column, as the details and summary panes show them. */
export function LabelledRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Box width={11} flexShrink={0}>
        <Styled tone="muted">{label}</Styled>
      </Box>
      <Text>{children}</Text>
    </Box>
  );
}
