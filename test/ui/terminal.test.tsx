import chalk from 'chalk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { noColorFrom } from '../../src/ui/app/use-theme.js';
import { fakeBuild } from './fake-build.js';
import { KEY, renderPicker, type Picker } from './harness.js';

// Any SGR sequence: colours, dim, bold, inverse.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

afterEach(() => cleanup());

async function finishedBuild(picker: Picker): Promise<string> {
  await picker.press(KEY.enter);
  await picker.waitFor('choose the target');
  await picker.press(KEY.down, KEY.down, KEY.right, KEY.enter);
  return picker.waitFor('layer ready');
}

describe('NO_COLOR', () => {
  // Under vitest stdout is no terminal, so chalk would print no colour at all: force it on,
  // so the test shows that colour is there without NO_COLOR and gone with it.
  const level = chalk.level;
  beforeAll(() => {
    chalk.level = 3;
  });
  afterAll(() => {
    chalk.level = level;
  });

  it('is read as no-color.org says: set and not empty', () => {
    expect(noColorFrom({ NO_COLOR: '1' })).toBe(true);
    expect(noColorFrom({ NO_COLOR: 'true' })).toBe(true);
    expect(noColorFrom({ NO_COLOR: '' })).toBe(false);
    expect(noColorFrom({})).toBe(false);
  });

  it('the list and a finished build are coloured without NO_COLOR', async () => {
    const picker = renderPicker(fakeBuild().buildLayer, { noColor: false });
    expect(await picker.waitFor('pick a recipe')).toMatch(ANSI);
    expect(await finishedBuild(picker)).toMatch(ANSI);
  });

  it('with NO_COLOR nothing carries an escape code, and the selection is still marked', async () => {
    const picker = renderPicker(fakeBuild().buildLayer, { noColor: true });
    const list = await picker.waitFor('pick a recipe');
    expect(list).not.toMatch(ANSI);
    expect(list).toContain('› hello');
    await picker.press(KEY.enter);
    const choose = await picker.waitFor('choose the target');
    expect(choose).not.toMatch(ANSI);
    expect(choose).toContain('[provided.al2023]');
    await picker.press(KEY.down, KEY.down, KEY.right, KEY.enter);
    const done = await picker.waitFor('layer ready');
    expect(done).not.toMatch(ANSI);
    expect(picker.all()).not.toMatch(ANSI);
    expect(done).toContain('✓ layer ready');
  });
});

describe('a narrow terminal', () => {
  const size = { columns: 50, rows: 30 };

  it('hides the details pane, cuts summaries to fit, and keeps every line within the width', async () => {
    const picker = renderPicker(fakeBuild().buildLayer, { size });
    const frame = await picker.waitFor('pick a recipe');
    expect(frame).toContain('› hello');
    expect(frame).not.toContain('license');
    expect(frame).not.toContain('╭');
    expect(frame).toContain('    A small C program and its shared library, bui…');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(size.columns);
  });

  it('shows the details pane below the list between 60 and 99 columns, beside it from 100', async () => {
    const below = renderPicker(fakeBuild().buildLayer, { size: { columns: 80, rows: 60 } });
    const frame = await below.waitFor('license');
    const lines = frame.split('\n');
    const licenseLine = lines.findIndex((l) => l.includes('license'));
    const lastRecipe = lines.findIndex((l) => l.includes('libvips-tools 8.15.1'));
    expect(licenseLine).toBeGreaterThan(lastRecipe);
    expect(lines.find((l) => l.includes('› hello'))).not.toContain('│');
    cleanup();
    const beside = renderPicker(fakeBuild().buildLayer, { size: { columns: 100, rows: 40 } });
    expect((await beside.waitFor('license')).split('\n').find((l) => l.includes('› hello'))).toContain(
      '│ hello 1.0.0',
    );
  });

  it('still builds and shows the summary, each line within the width', async () => {
    const picker = renderPicker(fakeBuild().buildLayer, { size });
    const frame = await finishedBuild(picker);
    expect(frame).toContain('✓ layer ready');
    expect(frame).toMatch(/^unzipped \[█░{9}\]/m);
    // The zip path is the one thing never cut: it wraps, so it can be copied whole.
    expect(frame.replace(/\n/g, '')).toContain('/work/project/dist/hello-1.0.0-provided.al2023-x86_64.zip');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(size.columns);
  });
});

describe('a short terminal', () => {
  it('drops the details pane rather than push the list off the screen, and shortens the log tail', async () => {
    const build = fakeBuild({ hold: true });
    const picker = renderPicker(build.buildLayer, { size: { columns: 80, rows: 20 } });
    const list = await picker.waitFor('pick a recipe');
    expect(list).toContain('› hello');
    expect(list).not.toContain('license');
    await picker.press(KEY.enter);
    await picker.waitFor('choose the target');
    await picker.press(KEY.down, KEY.down, KEY.right, KEY.enter);
    const frame = await picker.waitFor('log (14 lines, last 5)');
    expect(frame).toMatch(/│ cc -O2 -o hello hello\.c # line 14$/m);
    expect(frame).not.toMatch(/# line 9$/m);
    build.release();
    await picker.waitFor('layer ready');
  });
});
