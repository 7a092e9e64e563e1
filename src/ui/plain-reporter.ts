import { assertNever } from '../core/errors.js';
import type { EventSink, LayerforgeEvent } from '../core/events.js';
import { formatReportLine } from '../core/invoke/emulator-output.js';
import { formatBytes } from './format.js';
import { terminalJson, terminalLines } from './terminal-text.js';

const UPLOAD_OUTCOMES = {
  uploaded: 'uploaded the entry',
  present: 'already has the entry',
  replaced: 'replaced the refused entry',
  raced: 'another writer stored the entry first; kept it',
} as const;

/** One human line per event, or nothing for events a non-interactive user does not need. */
export function describeEvent(event: LayerforgeEvent): string | undefined {
  switch (event.type) {
    case 'build.step.start':
      return `▸ ${event.step}${event.detail ? `: ${event.detail}` : ''}`;
    case 'build.step.end':
      return event.status === 'failed'
        ? `✗ ${event.step} failed after ${(event.ms / 1000).toFixed(1)}s${event.detail ? `: ${event.detail}` : ''}`
        : `✓ ${event.step}${event.status === 'skipped' ? ' (skipped)' : ''} ${(event.ms / 1000).toFixed(1)}s${event.detail ? `: ${event.detail}` : ''}`;
    case 'build.log':
      return `  │ ${event.line}`;
    case 'build.cache':
      return event.hit ? `${event.remote ? 'remote ' : ''}cache hit (${event.key.slice(0, 12)})` : undefined;
    case 'build.done':
      return `layer: ${event.zipPath}${event.remote ? ' (remote hit)' : event.cached ? ' (cached)' : ''}\nmanifest: ${event.manifestPath}`;
    case 'cache.remote.hit':
      return `remote hit: ${formatBytes(event.bytes)} from ${event.url}, verified`;
    case 'cache.remote.miss':
      return `remote miss in ${event.url}`;
    case 'cache.remote.upload':
      return `remote cache ${event.url}: ${UPLOAD_OUTCOMES[event.outcome]}${event.bytes > 0 ? ` (${formatBytes(event.bytes)})` : ''}`;
    case 'size.measured': {
      const r = event.report;
      const zipped = r.zippedBytes === undefined ? '' : `, ${formatBytes(r.zippedBytes)} zipped`;
      return `size: ${formatBytes(r.unzippedBytes)} unzipped${zipped}, ${r.fileCount} files (${((r.totalUnzippedBytes / r.limitBytes) * 100).toFixed(1)}% of Lambda's 250 MB)`;
    }
    case 'audit.finding':
      return `${event.finding.severity}: ${event.finding.file}: ${event.finding.reason}\n  hint: ${event.finding.hint}`;
    case 'audit.done':
      return `audit: ${event.errors} error(s), ${event.warnings} warning(s) in ${event.filesChecked} files (${event.ms} ms)`;
    case 'prune.rule':
      return `prune ${event.rule}: ${event.reverted ? 'reverted (a smoke test fails with it applied)' : `saved ${formatBytes(event.bytesSaved)}`}`;
    case 'test.result':
      return `${event.ok ? '✓' : '✗'} test: ${event.command}${event.ok ? '' : `\n${event.output}`}`;
    case 'publish.region.start':
      return `▸ publish ${event.layerName} in ${event.region}`;
    case 'publish.region.done':
      return event.ok
        ? `✓ ${event.region}: ${event.layerVersionArn}${event.reused ? ' (reused: same content)' : ''}`
        : `✗ ${event.region}: ${event.error}`;
    case 'publish.upload':
      return `  staged ${formatBytes(event.bytes)} in s3://${event.bucket}/${event.key}`;
    case 'publish.retry':
      return `  ${event.region}: ${event.operation} attempt ${event.attempt} failed (${event.error}); checking, then retrying`;
    case 'publish.permission':
      return `  ${event.region}: ${event.added ? 'shared' : 'already shared'} (${event.statementId})`;
    case 'matrix.cell.start':
      return `▸ ${event.cell}${event.engine === 'default' ? '' : ` on ${event.engine}`}${event.emulated ? ' (under QEMU: no engine of its arch was given)' : ''}`;
    case 'matrix.cell.done':
      return event.status === 'ok' || event.status === 'cached'
        ? `✓ ${event.cell} ${(event.ms / 1000).toFixed(1)}s${event.status === 'cached' ? ' (cached)' : ''}: ${event.zipPath ?? ''}`
        : `✗ ${event.cell} ${event.status}: ${event.error ?? ''}`;
    case 'invoke.log':
      // The emulator's own chatter stays in --json; the function's logs are what a user reads.
      return event.source === 'function' ? event.line : undefined;
    case 'invoke.report':
      return formatReportLine(event.report);
    case 'invoke.response':
      return event.functionError
        ? `function error (invocation ${event.invocation}): ${event.functionError.errorType}: ${event.functionError.errorMessage}`
        : undefined;
    case 'build.result':
    case 'matrix.summary':
    case 'publish.summary':
    case 'invoke.result':
    case 'base.built':
      // Without --json the command prints these on stdout: the zip path, a table, the response
      // or the image tags.
      return undefined;
    case 'warning':
      return `warning: ${event.message}`;
    case 'info':
      return event.message;
    default:
      return assertNever(event);
  }
}

export function plainReporter(write: (text: string) => void): EventSink {
  return (event) => {
    const line = describeEvent(event);
    // Events carry engine logs, file names and findings from untrusted layers.
    if (line !== undefined) write(terminalLines(line) + '\n');
  };
}

export function jsonReporter(write: (text: string) => void): EventSink {
  return (event) => write(terminalJson(event) + '\n');
}
