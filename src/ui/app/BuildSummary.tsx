import { Box, Text } from 'ink';
import { formatBytes } from '../format.js';
import { terminalText } from '../terminal-text.js';
import type { BuildState } from './build-state.js';
import { NARROW } from './layout.js';
import { displayPath } from '../../core/fs/display-path.js';
import { nextSteps } from './next-steps.js';
import { LabelledRow } from './LabelledRow.js';
import { Styled } from './Styled.js';

interface BuildSummaryProps {
  state: BuildState;
  cwd: string;
  region: string | undefined;
  columns: number;
}

/** The end of a build: where the layer is, its sizes and audit, and what to run next; or why it failed. */
export function BuildSummary({ state, cwd, region, columns }: BuildSummaryProps) {
  const narrow = columns < NARROW;
  if (state.phase === 'failed' && state.failure) {
    const { message, hint, details } = state.failure;
    return (
      <Box flexDirection="column">
        <Styled tone="error" bold>
          ✗ build failed: {terminalText(message)}
        </Styled>
        {details.map((line, i) => (
          <Text key={i}>{`  ${terminalText(line)}`}</Text>
        ))}
        {hint ? <Styled tone="warn">hint: {terminalText(hint)}</Styled> : null}
      </Box>
    );
  }
  if (state.phase === 'cancelled' || state.phase === 'cancelling') {
    return (
      <Styled tone="warn">
        {state.phase === 'cancelling'
          ? '■ cancelling: stopping and removing the build container…'
          : '■ build cancelled: the container was removed and nothing was written'}
      </Styled>
    );
  }
  if (state.phase !== 'done' || !state.done) return null;
  const { done, size, manifestSizes, audit, tests } = state;
  // Info findings (such as "audited against the stand-in") repeat what the warnings above say.
  const findings = state.findings.filter((f) => f.severity !== 'info');
  const unzipped = size?.unzippedBytes ?? manifestSizes?.unzippedBytes;
  const zipped = size?.zippedBytes ?? manifestSizes?.zippedBytes;
  const auditCounts = audit ?? manifestSizes?.audit;
  return (
    <Box flexDirection="column">
      <Styled tone="ok" bold>
        ✓ layer ready
        {done.remote
          ? ' (remote hit: built elsewhere with the same inputs, verified)'
          : done.cached
            ? ' (from the cache: same inputs as an earlier build)'
            : ''}
      </Styled>
      {narrow ? (
        // Cut into a label column, a long path would wrap indented and not copy whole.
        <>
          <Styled tone="muted">zip</Styled>
          <Text>{terminalText(done.zipPath)}</Text>
        </>
      ) : (
        <LabelledRow label="zip">{terminalText(done.zipPath)}</LabelledRow>
      )}
      <LabelledRow label="manifest">{terminalText(displayPath(done.manifestPath, cwd))}</LabelledRow>
      <LabelledRow label="size">
        {unzipped === undefined ? '?' : formatBytes(unzipped)} unzipped ·{' '}
        {zipped === undefined ? '?' : formatBytes(zipped)} zipped
        {size ? ` · ${size.fileCount} files` : ''}
        {state.prunedBytes > 0 ? ` · pruning saved ${formatBytes(state.prunedBytes)}` : ''}
      </LabelledRow>
      <LabelledRow label="audit">
        {auditCounts
          ? `${auditCounts.errors} error(s), ${auditCounts.warnings} warning(s)${audit ? ` in ${audit.filesChecked} files` : ''}`
          : 'not run'}
      </LabelledRow>
      {findings.slice(0, 3).map((f, i) => (
        <Styled key={i} tone={f.severity === 'error' ? 'error' : 'warn'} wrap="truncate-end">
          {'           '}
          {f.severity}: {terminalText(f.file)}: {terminalText(f.reason)}
        </Styled>
      ))}
      {findings.length > 3 ? (
        <Styled tone="muted">
          {'           '}… and {findings.length - 3} more: `layerforge inspect` lists them
        </Styled>
      ) : null}
      {tests.length > 0 ? (
        <LabelledRow label="tests">
          {tests.filter((t) => t.ok).length}/{tests.length} smoke test(s) passed
        </LabelledRow>
      ) : null}
      <Text> </Text>
      <Styled tone="accent">next:</Styled>
      {nextSteps(done.zipPath, cwd, region).map((command) => (
        <Text key={command}>{`  ${terminalText(command)}`}</Text>
      ))}
    </Box>
  );
}
