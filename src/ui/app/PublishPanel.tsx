import { Box, Text } from 'ink';
import { useState } from 'react';
import { terminalText } from '../terminal-text.js';
import { TextInput } from './TextInput.js';
import { Styled } from './Styled.js';
import { useKeys } from './use-keys.js';
import type { PublishState } from './use-publish-events.js';

interface PublishPanelProps {
  /** False when no publisher was wired: the panel only offers to quit. */
  canPublish: boolean;
  state: PublishState;
  defaultRegions: string;
  onPublish(regions: string[]): void;
  onQuit(): void;
}

function parseRegions(text: string): string[] {
  return text.split(/[\s,]+/).filter((r) => r.length > 0);
}

/** After a build: publish to regions (typed, comma-separated) or quit; then each region's outcome. */
export function PublishPanel({ canPublish, state, defaultRegions, onPublish, onQuit }: PublishPanelProps) {
  const [typing, setTyping] = useState(false);
  const [regions, setRegions] = useState(defaultRegions);
  const idle = state.phase === 'idle';

  useKeys(
    (input, key) => {
      if (key.ctrl && input === 'c') return;
      if (idle && canPublish && input === 'p') return setTyping(true);
      if (input === 'q' || key.escape || (!idle && key.return)) return onQuit();
    },
    !typing && state.phase !== 'running',
  );

  if (typing && idle) {
    return (
      <Box flexDirection="column" marginTop={1}>
        <TextInput
          label="publish to regions:"
          value={regions}
          placeholder="us-east-1,eu-west-1"
          onChange={setRegions}
          onSubmit={(text) => {
            setTyping(false);
            onPublish(parseRegions(text));
          }}
          onCancel={() => setTyping(false)}
        />
        <Styled tone="muted">
          comma-separated; empty uses AWS_REGION, AWS_DEFAULT_REGION or your profile's region · Enter publish
          · Esc back
        </Styled>
      </Box>
    );
  }
  if (idle) {
    return (
      <Box marginTop={1}>
        <Styled tone="muted">{canPublish ? 'p publish to AWS regions · q quit' : 'q quit'}</Styled>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" marginTop={1}>
      <Styled tone="accent">publish</Styled>
      {state.regions.map((r) => (
        <Text key={r.region} wrap="truncate-end">
          <Styled tone={r.status === 'ok' ? 'ok' : r.status === 'failed' ? 'error' : 'running'}>
            {r.status === 'ok' ? '✓' : r.status === 'failed' ? '✗' : '…'} {terminalText(r.region).padEnd(15)}
          </Styled>
          <Text>
            {' '}
            {r.status === 'ok'
              ? `${terminalText(r.layerVersionArn ?? '')}${r.reused ? ' (reused: same content)' : ''}`
              : terminalText(r.status === 'failed' ? (r.error ?? 'failed') : r.layerName)}
          </Text>
        </Text>
      ))}
      {state.notes.map((note, i) => (
        <Styled key={i} tone="muted" wrap="truncate-end">
          {terminalText(note)}
        </Styled>
      ))}
      {state.phase === 'failed' && state.failure ? (
        <>
          <Styled tone="error">✗ publish failed: {terminalText(state.failure.message)}</Styled>
          {state.failure.hint ? <Styled tone="warn">hint: {terminalText(state.failure.hint)}</Styled> : null}
        </>
      ) : null}
      {state.phase === 'cancelled' ? <Styled tone="warn">■ publish cancelled</Styled> : null}
      {state.lockFile ? <Text>recorded in {terminalText(state.lockFile)}</Text> : null}
      {state.phase === 'running' ? (
        <Styled tone="muted">Ctrl-C cancel</Styled>
      ) : (
        <Styled tone="muted">q quit</Styled>
      )}
    </Box>
  );
}
