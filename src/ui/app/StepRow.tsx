import { Box, Text } from 'ink';
import { formatSeconds } from '../format.js';
import { terminalText } from '../terminal-text.js';
import type { StepState } from './build-state.js';
import { Styled } from './Styled.js';
import type { Tone } from './use-theme.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const MARKS: Record<StepState['status'], { mark: string; tone: Tone | undefined }> = {
  pending: { mark: '·', tone: 'muted' },
  running: { mark: '', tone: 'running' },
  ok: { mark: '✓', tone: 'ok' },
  skipped: { mark: '–', tone: 'muted' },
  failed: { mark: '✗', tone: 'error' },
};

interface StepRowProps {
  step: StepState;
  now: number;
  width: number;
  /** The build ended without reaching this step. */
  notRun?: boolean;
}

/** One build step: its mark, name, elapsed time (live while running) and the core's detail. */
export function StepRow({ step, now, width, notRun }: StepRowProps) {
  const { mark, tone } = MARKS[step.status];
  const elapsed =
    step.ms !== undefined
      ? formatSeconds(step.ms)
      : step.startedAt !== undefined
        ? formatSeconds(now - step.startedAt)
        : '';
  const detail = notRun
    ? 'not run'
    : step.status === 'skipped'
      ? `skipped${step.detail ? `: ${step.detail}` : ''}`
      : (step.detail ?? '');
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        <Styled tone={tone}>
          {step.status === 'running' ? (SPINNER[Math.floor(now / 100) % SPINNER.length] ?? '*') : mark}{' '}
        </Styled>
        <Styled tone={step.status === 'pending' ? 'muted' : undefined} bold={step.status === 'running'}>
          {step.step.padEnd(11)}
        </Styled>
        <Text>{elapsed.padStart(7)}</Text>
        <Styled tone="muted">{detail ? `  ${terminalText(detail)}` : ''}</Styled>
      </Text>
    </Box>
  );
}
