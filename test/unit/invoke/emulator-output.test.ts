import { describe, expect, it } from 'vitest';
import {
  classifyLine,
  formatReportLine,
  functionLogLines,
  parseReportLine,
} from '../../../src/core/invoke/emulator-output.js';

// The emulator prints its REPORT line with tabs and a trailing tab (cmd/aws-lambda-rie handlers.go).
const COLD =
  'REPORT RequestId: 7c1e\tInit Duration: 52.47 ms\tDuration: 8.49 ms\tBilled Duration: 9 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t';

describe('REPORT lines', () => {
  it('parses a cold start with its init duration', () => {
    expect(parseReportLine(COLD)).toEqual({
      requestId: '7c1e',
      initDurationMs: 52.47,
      durationMs: 8.49,
      billedDurationMs: 9,
      memorySizeMB: 3008,
      maxMemoryUsedMB: 3008,
      source: 'emulator',
    });
  });

  it('parses a warm one, space separated, without the optional fields', () => {
    expect(parseReportLine('REPORT RequestId: abc Duration: 2.50 ms')).toEqual({
      requestId: 'abc',
      durationMs: 2.5,
      source: 'emulator',
    });
  });

  it('is not fooled by lines that only mention REPORT', () => {
    expect(parseReportLine('the REPORT RequestId: x Duration: 1 ms')).toBeUndefined();
    expect(parseReportLine('REPORT RequestId: x without a duration')).toBeUndefined();
  });

  it("formats the figures back in Lambda's tab-separated form", () => {
    const report = parseReportLine(COLD);
    expect(report && formatReportLine(report)).toBe(
      'REPORT RequestId: 7c1e\tInit Duration: 52.47 ms\tDuration: 8.49 ms\tBilled Duration: 9 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB',
    );
    expect(formatReportLine({ requestId: '-', durationMs: 12, source: 'measured' })).toMatch(
      /^REPORT RequestId: -\tDuration: 12\.00 ms\t\(round trip measured/,
    );
  });
});

describe('sorting container output', () => {
  const raw = Buffer.from('HTTP/1.0 200 OK\r\n\r\n{"ok":true}');

  it('finds the driver marker, also after a fragment the function left without a newline', () => {
    const line = `no newline here@@layerforge response 2 1500 ${raw.toString('base64')}`;
    const sorted = classifyLine(line);
    expect(sorted).toMatchObject({ kind: 'response', index: 2, roundTripMs: 1.5, before: 'no newline here' });
    expect(sorted.kind === 'response' && sorted.raw.toString()).toBe(raw.toString());
    expect(classifyLine('@@layerforge emulator-exited 127')).toEqual({
      kind: 'emulator-exited',
      exitCode: 127,
      before: '',
    });
  });

  it.each([
    "INFO[0000] exec '/var/runtime/bootstrap' (cwd=/var/task, handler=)",
    "22 Nov 2026 02:49:27,099 [INFO] (rapid) exec '/var/runtime/bootstrap'",
    'time=2026-01-01T00:00:00Z level=INFO msg="Runtime API listening"',
    'START RequestId: 7c1e Version: $LATEST',
    'END RequestId: 7c1e',
  ])("the emulator's own line: %s", (line) => {
    expect(classifyLine(line)).toEqual({ kind: 'emulator', line });
  });

  it("everything else is the function's", () => {
    expect(classifyLine('[ERROR] ValueError: bad')).toEqual({
      kind: 'function',
      line: '[ERROR] ValueError: bad',
    });
    expect(classifyLine(COLD).kind).toBe('report');
  });

  it("splits a runtime's multi-line log entry at its carriage returns", () => {
    expect(
      functionLogLines('[ERROR] ValueError: bad\rTraceback (most recent call last):\r  File "app.py"'),
    ).toEqual(['[ERROR] ValueError: bad', 'Traceback (most recent call last):', '  File "app.py"']);
    expect(functionLogLines('')).toEqual(['']);
  });
});
