import type { InvocationReport } from './types.js';

/** What one line of the container's output is. */
export type OutputLine =
  | { kind: 'response'; index: number; roundTripMs: number; raw: Buffer; before: string }
  | { kind: 'response-part'; index: number; base64: string; before: string }
  | { kind: 'emulator-exited'; exitCode: number; before: string }
  | { kind: 'report'; report: InvocationReport }
  | { kind: 'emulator'; line: string }
  | { kind: 'function'; line: string };

/** The driver's marker; see driver.ts. */
export const MARKER = '@@layerforge';

// The emulator's own log lines: logrus text (`INFO[0000] ...`), its dated format
// (`02 Jan 2006 15:04:05,000 [INFO] (rapid) ...`), slog text (`time=... level=INFO ...`).
const EMULATOR_LOG = [
  /^(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[\d+\]/,
  /^\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}[,.]\d{3} \[[A-Z]+\] \(/,
  /^time=\S+ level=[A-Za-z]+ /,
  /^(START|END) RequestId: /,
];

const REPORT_FIELD =
  /(Init Duration|Billed Duration|Duration|Memory Size|Max Memory Used): ([\d.]+) (ms|MB)/g;

/** Parses Lambda's `REPORT RequestId: … Duration: … ms …` line (tab or space separated). */
export function parseReportLine(line: string): InvocationReport | undefined {
  const head = /^REPORT RequestId: (\S+)/.exec(line.trim());
  if (!head?.[1]) return undefined;
  const fields = new Map<string, number>();
  for (const match of line.matchAll(REPORT_FIELD))
    if (match[1] && match[2]) fields.set(match[1], Number(match[2]));
  const durationMs = fields.get('Duration');
  if (durationMs === undefined) return undefined;
  const optional = (name: string, key: keyof InvocationReport) => {
    const value = fields.get(name);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    requestId: head[1],
    durationMs,
    ...optional('Init Duration', 'initDurationMs'),
    ...optional('Billed Duration', 'billedDurationMs'),
    ...optional('Memory Size', 'memorySizeMB'),
    ...optional('Max Memory Used', 'maxMemoryUsedMB'),
    source: 'emulator',
  };
}

/** Sorts one line of the container's combined output. */
export function classifyLine(line: string): OutputLine {
  const at = line.indexOf(MARKER + ' ');
  if (at >= 0) {
    const before = line.slice(0, at);
    const fields = line
      .slice(at + MARKER.length + 1)
      .trim()
      .split(' ');
    if (fields[0] === 'response' && fields.length >= 3) {
      return {
        kind: 'response',
        index: Number(fields[1]),
        roundTripMs: Number(fields[2]) / 1000,
        raw: Buffer.from(fields[3] ?? '', 'base64'),
        before,
      };
    }
    if (fields[0] === 'part' && fields.length >= 3) {
      return { kind: 'response-part', index: Number(fields[1]), base64: fields[2] ?? '', before };
    }
    if (fields[0] === 'emulator-exited')
      return { kind: 'emulator-exited', exitCode: Number(fields[1]), before };
  }
  const report = parseReportLine(line);
  if (report) return { kind: 'report', report };
  if (EMULATOR_LOG.some((pattern) => pattern.test(line))) return { kind: 'emulator', line };
  return { kind: 'function', line };
}

/**
 * A function's log lines as Lambda shows them. Runtimes write one multi-line entry (a stack
 * trace) with `\r` between its lines so it stays one log event; a terminal needs `\n`.
 */
export function functionLogLines(line: string): string[] {
  return line.split('\r').filter((part, index, all) => part.length > 0 || all.length === 1);
}

/** A REPORT line in Lambda's own format (tab-separated), from its figures. */
export function formatReportLine(report: InvocationReport): string {
  const parts = [`REPORT RequestId: ${report.requestId}`];
  if (report.initDurationMs !== undefined)
    parts.push(`Init Duration: ${report.initDurationMs.toFixed(2)} ms`);
  parts.push(`Duration: ${report.durationMs.toFixed(2)} ms`);
  if (report.billedDurationMs !== undefined) parts.push(`Billed Duration: ${report.billedDurationMs} ms`);
  if (report.memorySizeMB !== undefined) parts.push(`Memory Size: ${report.memorySizeMB} MB`);
  if (report.maxMemoryUsedMB !== undefined) parts.push(`Max Memory Used: ${report.maxMemoryUsedMB} MB`);
  if (report.source === 'measured')
    parts.push('(round trip measured by layerforge: the emulator printed no REPORT)');
  return parts.join('\t');
}
