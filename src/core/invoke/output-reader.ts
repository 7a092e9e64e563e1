import type { EventSink } from '../events.js';
import { classifyLine, functionLogLines } from './emulator-output.js';
import { functionErrorOf, parseHttpResponse } from './http-response.js';
import type { InvocationReport, InvocationResult } from './types.js';

/** What the container's output said, gathered while it streams. */
export interface OutputReader {
  /** Feed it every line of the container's combined output, in order. */
  onLine(line: string): void;
  readonly invocations: InvocationResult[];
  /** The driver's report that the emulator exited before it listened, with its exit code. */
  readonly emulatorExit: number | undefined;
  /** The last lines, for an error message. */
  readonly tail: string[];
}

/**
 * Sorts the container's output into events as it arrives: the function's logs, the emulator's own
 * lines, and, per invocation, its REPORT figures and response. The emulator prints a REPORT line
 * before it answers, so the n-th REPORT belongs to the n-th response; without one, the driver's
 * round trip stands in and is marked as measured.
 */
export function outputReader(sink: EventSink): OutputReader {
  const reports: InvocationReport[] = [];
  const invocations: InvocationResult[] = [];
  const tail: string[] = [];
  let emulatorExit: number | undefined;
  /** Each response's base64 `part` lines, joined when its `response` line comes. */
  const parts = new Map<number, string[]>();
  const logFunction = (line: string) => {
    for (const part of functionLogLines(line)) sink({ type: 'invoke.log', source: 'function', line: part });
  };
  const onLine = (line: string) => {
    tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (tail.length > 40) tail.shift();
    const sorted = classifyLine(line);
    switch (sorted.kind) {
      case 'function':
        return logFunction(sorted.line);
      case 'emulator':
        return sink({ type: 'invoke.log', source: 'emulator', line: sorted.line });
      case 'report':
        return void reports.push(sorted.report);
      case 'emulator-exited':
        if (sorted.before) logFunction(sorted.before);
        emulatorExit = sorted.exitCode;
        return;
      case 'response-part': {
        if (sorted.before) logFunction(sorted.before);
        const list = parts.get(sorted.index) ?? [];
        list.push(sorted.base64);
        parts.set(sorted.index, list);
        return;
      }
      case 'response': {
        if (sorted.before) logFunction(sorted.before);
        const raw = Buffer.concat([
          Buffer.from((parts.get(sorted.index) ?? []).join(''), 'base64'),
          sorted.raw,
        ]);
        parts.delete(sorted.index);
        const response = parseHttpResponse(raw);
        if (!response) return;
        const report: InvocationReport = reports[sorted.index - 1] ?? {
          requestId: '-',
          durationMs: sorted.roundTripMs,
          source: 'measured',
        };
        const functionError = functionErrorOf(response);
        const payload = response.body.toString('utf8');
        invocations.push({
          index: sorted.index,
          statusCode: response.statusCode,
          payload,
          report,
          roundTripMs: sorted.roundTripMs,
          ...(functionError ? { functionError } : {}),
        });
        sink({ type: 'invoke.report', invocation: sorted.index, report });
        sink({
          type: 'invoke.response',
          invocation: sorted.index,
          statusCode: response.statusCode,
          payload,
          ...(functionError ? { functionError } : {}),
        });
        return;
      }
    }
  };
  return {
    onLine,
    invocations,
    tail,
    get emulatorExit() {
      return emulatorExit;
    },
  };
}
