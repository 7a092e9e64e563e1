import { Box, Text } from 'ink';
import type { SizeReport } from '../../core/layer/size-types.js';
import { LAMBDA_LIMITS } from '../../core/lambda/quotas.js';
import { formatBytes } from '../format.js';
import { Styled } from './Styled.js';
import type { Tone } from './use-theme.js';

interface SizeMeterProps {
  /** From size.measured; absent until the layer is measured. */
  report: SizeReport | undefined;
  /** From the returned manifest, for cache hits (which measure nothing). */
  fallback: { unzippedBytes: number; zippedBytes: number } | undefined;
  budgetMB: number | undefined;
  width: number;
}

/** Lines under the meters start below the bars. */
const INDENT = ' '.repeat(9);

function toneFor(fraction: number): Tone {
  return fraction > 1 ? 'error' : fraction > 0.8 ? 'warn' : 'ok';
}

/** `[████░░░░]`: at least one block once anything is there, so a small layer still shows. */
function bar(fraction: number, cells: number): string {
  const filled = fraction <= 0 ? 0 : Math.min(cells, Math.max(1, Math.round(fraction * cells)));
  return `[${'█'.repeat(filled)}${'░'.repeat(cells - filled)}]`;
}

function Meter({
  label,
  bytes,
  limit,
  limitLabel,
  cells,
}: {
  label: string;
  bytes: number;
  limit: number;
  limitLabel: string;
  cells: number;
}) {
  const fraction = bytes / limit;
  return (
    <Text wrap="truncate-end">
      <Text>{label.padEnd(9)}</Text>
      <Styled tone={toneFor(fraction)}>{bar(fraction, cells)}</Styled>
      <Text>
        {' '}
        {formatBytes(bytes).padStart(8)} of {limitLabel} ({(fraction * 100).toFixed(1)}%)
      </Text>
    </Text>
  );
}

/** The layer against Lambda's 250 MB unzipped (with the reserve) and its zip against the 50 MB inline upload. */
export function SizeMeter({ report, fallback, budgetMB, width }: SizeMeterProps) {
  const cells = Math.max(10, Math.min(30, width - 50));
  if (!report && !fallback) {
    return (
      <Box flexDirection="column">
        <Styled tone="muted">{`${'size'.padEnd(9)}measured when the layer is zipped (limits: 250 MB unzipped, 50 MB zipped inline)`}</Styled>
      </Box>
    );
  }
  const unzipped = report ? report.totalUnzippedBytes : (fallback?.unzippedBytes ?? 0);
  const zipped = report ? report.zippedBytes : fallback?.zippedBytes;
  // The recipe's budget is for the layer alone, without the reserve.
  const layerBytes = report ? report.unzippedBytes : unzipped;
  const meters = [
    { label: 'unzipped', bytes: unzipped, limit: LAMBDA_LIMITS.unzippedBytes, limitLabel: '250 MB' },
    // The zip's size is known only once it is written.
    ...(zipped === undefined
      ? []
      : [
          {
            label: 'zipped',
            bytes: zipped,
            limit: LAMBDA_LIMITS.directUploadZippedBytes,
            limitLabel: '50 MB inline',
          },
        ]),
  ];
  return (
    <Box flexDirection="column">
      {meters.map((meter) => (
        <Meter key={meter.label} {...meter} cells={cells} />
      ))}
      {report && report.reservedBytes > 0 ? (
        <Styled tone="muted">{`${INDENT}includes ${formatBytes(report.reservedBytes)} reserved for the function and other layers`}</Styled>
      ) : null}
      {budgetMB !== undefined ? (
        <Styled tone={layerBytes > budgetMB * 1024 * 1024 ? 'error' : 'muted'}>
          {`${INDENT}recipe budget ${budgetMB} MB unzipped (${((layerBytes / (budgetMB * 1024 * 1024)) * 100).toFixed(1)}% used)`}
        </Styled>
      ) : null}
      {report?.needsS3 ? (
        <Styled tone="warn">{`${INDENT}over 50 MB zipped: publish stages the zip in S3`}</Styled>
      ) : null}
    </Box>
  );
}
