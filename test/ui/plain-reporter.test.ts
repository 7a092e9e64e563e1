// The plain reporter prints engine logs, findings and errors from untrusted layers: each event
// text reaches stderr escaped. The JSON reporter writes the same events parseable and exact.
import { describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { jsonReporter, plainReporter } from '../../src/ui/plain-reporter.js';
import { CLEAR, CSI, RLO, TITLE, rawControls } from '../support/hostile-text.js';

const HOSTILE: LayerforgeEvent[] = [
  { type: 'build.log', source: 'container', line: `Collecting x${CLEAR}${TITLE}\r done` },
  { type: 'build.step.start', step: 'build', detail: `pip install ${CSI}31m` },
  { type: 'build.step.end', step: 'extract', status: 'failed', ms: 1800, detail: `tar: ${TITLE}` },
  {
    type: 'audit.finding',
    finding: {
      severity: 'error',
      code: 'missing-library',
      file: `lib/lib${RLO}os.so`,
      reason: `needs lib${TITLE}.so`,
      hint: `install ${CLEAR}`,
    },
  },
  { type: 'warning', code: 'stand-in-base', message: `base ${TITLE}` },
  { type: 'info', message: `hello ${CSI}2J` },
  { type: 'test.result', command: `hello ${RLO}`, ok: false, output: `line one\n${CLEAR}line two` },
  { type: 'invoke.log', source: 'function', line: `log ${TITLE}` },
  { type: 'publish.region.done', region: 'eu-west-1', layerName: 'x', ok: false, error: `denied ${CLEAR}` },
  { type: 'matrix.cell.done', cell: 'x', status: 'failed', ms: 1, error: `boom ${TITLE}` },
];

describe('plainReporter', () => {
  it('prints every event of hostile text with no raw control, each one escaped', () => {
    let out = '';
    const sink = plainReporter((text) => (out += text));
    for (const event of HOSTILE) sink(event);
    expect(rawControls(out)).toEqual([]);
    expect(out).toContain('  │ Collecting x\\x1b[2J\\x1b]0;owned\\x07\\r done\n');
    expect(out).toContain('▸ build: pip install \\x9b31m');
    expect(out).toContain('✗ extract failed after 1.8s: tar: \\x1b]0;owned\\x07');
    expect(out).toContain(
      'error: lib/lib\\u202eos.so: needs lib\\x1b]0;owned\\x07.so\n  hint: install \\x1b[2J',
    );
    expect(out).toContain('warning: base \\x1b]0;owned\\x07');
    expect(out).toContain('hello \\x9b2J');
    expect(out).toContain('✗ test: hello \\u202e\nline one\n\\x1b[2Jline two');
    expect(out).toContain('log \\x1b]0;owned\\x07');
    expect(out).toContain('✗ eu-west-1: denied \\x1b[2J');
    expect(out).toContain('✗ x failed: boom \\x1b]0;owned\\x07');
  });
});

describe('jsonReporter', () => {
  it('writes one line per event with no raw control, parsing back to the exact event', () => {
    let out = '';
    const sink = jsonReporter((text) => (out += text));
    for (const event of HOSTILE) sink(event);
    expect(rawControls(out)).toEqual([]);
    const lines = out.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(HOSTILE);
  });
});
