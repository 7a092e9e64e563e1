import { Box, Static, Text } from 'ink';
import type { ReactNode } from 'react';
import { terminalText } from '../terminal-text.js';
import { LOG_TAIL, type BuildState, type StepState } from './build-state.js';
import { BuildSummary } from './BuildSummary.js';
import { BUILD_VIEW_ROWS } from './layout.js';
import { LogTail } from './LogTail.js';
import { SizeMeter } from './SizeMeter.js';
import { StepRow } from './StepRow.js';
import { Styled } from './Styled.js';
import { useNow } from './use-now.js';

interface BuildViewProps {
  state: BuildState;
  /** `hello 1.0.0 · provided.al2023 x86_64 · base debian12`. */
  title: string;
  /** The smoke-test step is listed only when it was asked for. */
  withTest: boolean;
  budgetMB: number | undefined;
  columns: number;
  rows: number;
  cwd: string;
  region: string | undefined;
  /** Below the summary: the publish offer or its progress. */
  children?: ReactNode;
}

/**
 * Steps still to show below <Static>: the running one and those still to come. A pending step
 * with a later step already started was folded into another by the core and never comes; the
 * smoke test shows only when asked for.
 */
export function openSteps(state: BuildState, withTest: boolean): StepState[] {
  const lastStarted = state.steps.reduce((last, s, i) => (s.status === 'pending' ? last : i), -1);
  return state.steps.filter(
    (s, i) =>
      s.status === 'running' ||
      (s.status === 'pending' && i > lastStarted && (withTest || s.step !== 'test')),
  );
}

type StaticItem = { kind: 'title'; key: string } | { kind: 'step'; key: string; step: StepState };

/**
 * The live build: finished steps go to ink's <Static> (printed once, then left alone), the
 * running and pending ones, the log tail and the size meter redraw below them.
 */
export function BuildView({
  state,
  title,
  withTest,
  budgetMB,
  columns,
  rows,
  cwd,
  region,
  children,
}: BuildViewProps) {
  const active = state.phase === 'running' || state.phase === 'cancelling';
  const now = useNow(active);
  const items: StaticItem[] = [
    { kind: 'title', key: 'title' },
    ...state.finished.map((step, i): StaticItem => ({ kind: 'step', key: `${i}-${step.step}`, step })),
  ];
  const open = openSteps(state, withTest);
  return (
    <>
      <Static items={items}>
        {(item) =>
          item.kind === 'title' ? (
            <Box key={item.key} width={columns}>
              <Text wrap="truncate-end">
                <Styled tone="accent" bold>
                  building {terminalText(title)}
                </Styled>
              </Text>
            </Box>
          ) : (
            <StepRow key={item.key} step={item.step} now={now} width={columns} />
          )
        }
      </Static>
      <Box flexDirection="column" width={columns}>
        {open.map((step) => (
          <StepRow
            key={step.step}
            step={step}
            now={now}
            width={columns}
            notRun={!active && step.status === 'pending'}
          />
        ))}
        {state.warnings.map((w, i) => (
          <Styled key={i} tone="warn">
            warning: {terminalText(w)}
          </Styled>
        ))}
        {active || state.phase === 'failed' ? (
          <Box marginTop={1}>
            <LogTail
              lines={state.log}
              total={state.logLines}
              width={columns}
              max={LOG_TAIL - Math.max(0, BUILD_VIEW_ROWS - rows)}
            />
          </Box>
        ) : null}
        <Box marginTop={1}>
          <SizeMeter report={state.size} fallback={state.manifestSizes} budgetMB={budgetMB} width={columns} />
        </Box>
        <Box marginTop={1} flexDirection="column">
          <BuildSummary state={state} cwd={cwd} region={region} columns={columns} />
          {active ? (
            <Styled tone="muted">Ctrl-C cancel (removes the container, writes nothing)</Styled>
          ) : null}
        </Box>
        {children}
      </Box>
    </>
  );
}
