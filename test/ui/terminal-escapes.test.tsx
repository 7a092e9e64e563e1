// The picker draws recipe data and build logs with ink, which writes strings as given: a
// summary with a bidi override or a log line with ESC must reach the screen escaped.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { BuildLayer } from '../../src/core/builder/types.js';
import { UserError } from '../../src/core/errors.js';
import type { PickerRecipe } from '../../src/ui/picker-data.js';
import { BASES, RECIPES } from './fake-build.js';
import { KEY, renderPicker } from './harness.js';
import { CLEAR, CSI, RLO, TITLE, rawControls } from '../support/hostile-text.js';

afterEach(() => cleanup());

const EVIL: PickerRecipe = {
  name: 'evil',
  version: '1.0.0',
  summary: `invoice${RLO}fdp.exe ${TITLE}`,
  license: `MIT${CSI}31m`,
  homepage: 'https://example.com',
  runtimes: ['provided.al2023'],
  architectures: ['x86_64'],
  python: [`six${CLEAR}`],
  packages: { al2023: [`zlib${TITLE}`] },
  sources: [`x${RLO}.tgz`],
  tests: 0,
  budgetMB: undefined,
  lastBuild: undefined,
};

/** A build that logs hostile lines and details, then fails with a hostile message. */
const hostileBuild: BuildLayer = async (_options, { sink }) => {
  sink({ type: 'build.step.start', step: 'resolve', detail: `evil ${CSI}2J` });
  sink({ type: 'build.step.end', step: 'resolve', status: 'ok', ms: 5, detail: `evil ${TITLE}` });
  sink({ type: 'warning', code: 'stand-in-base', message: `careful ${CLEAR}` });
  sink({ type: 'build.step.start', step: 'build' });
  sink({ type: 'build.log', source: 'container', line: `Collecting six${CLEAR}${TITLE}` });
  sink({ type: 'build.log', source: 'container', line: `name ${RLO}txt.exe` });
  await new Promise((resolve) => setTimeout(resolve, 10));
  throw new UserError(`install failed ${TITLE}`, { hint: `look at ${CLEAR}`, details: [`pip: ${CSI}1m`] });
};

describe('picker shows hostile data escaped', () => {
  it('a summary with a bidi override and an OSC sequence, in the list and the details pane', async () => {
    const picker = renderPicker(hostileBuild, {
      data: { recipes: [EVIL, ...RECIPES], bases: BASES, invalid: 0 },
      noColor: true,
    });
    const frame = await picker.waitFor('› evil');
    expect(rawControls(frame)).toEqual([]);
    expect(frame).toContain('invoice\\u202efdp.exe \\x1b]0;owned\\x07');
    expect(frame).toContain('MIT\\x9b31m');
    expect(frame).toContain('six\\x1b[2J');
    expect(frame).toContain('al2023: zlib\\x1b]0;owned\\x07');
    expect(frame).toContain('source     x\\u202e.tgz');
  });

  it('log lines, step details, warnings and the failure of a build', async () => {
    const picker = renderPicker(hostileBuild, {
      data: { recipes: [EVIL, ...RECIPES], bases: BASES, invalid: 0 },
      noColor: true,
    });
    await picker.waitFor('› evil');
    await picker.press(KEY.enter);
    await picker.waitFor('choose the target');
    await picker.press(KEY.enter);
    const frame = await picker.waitFor('build failed');
    expect(rawControls(picker.all())).toEqual([]);
    expect(frame).toContain('│ Collecting six\\x1b[2J\\x1b]0;owned\\x07');
    expect(frame).toContain('│ name \\u202etxt.exe');
    expect(frame).toContain('warning: careful \\x1b[2J');
    expect(frame).toContain('✗ build failed: install failed \\x1b]0;owned\\x07');
    expect(frame).toContain('  pip: \\x9b1m');
    expect(frame).toContain('hint: look at \\x1b[2J');
    expect(picker.all()).toContain('evil \\x1b]0;owned\\x07');
  });
});
