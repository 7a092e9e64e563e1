import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fakeBuild } from './fake-build.js';
import { KEY, renderPicker } from './harness.js';

afterEach(() => cleanup());

describe('picker list view', () => {
  it('lists every recipe with version, last built size, runtimes and architectures', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    const frame = await picker.waitFor('pick a recipe');
    expect(frame).toContain('3 recipes');
    expect(frame).toMatch(/› hello\s+1\.0\.0\s+20\.1 KB\s+x86_64,arm64\s/);
    expect(frame).toMatch(/^ {4}provided\.al2023 provided\.al2 python3\.11 \+3 /m);
    expect(frame).toMatch(/ {2}pandas\s+2\.2\.3\s+—\s+x86_64,arm64\s/);
    expect(frame).toMatch(/^ {4}python3\.12 python3\.13 /m);
    expect(frame).toMatch(/ {2}libvips-tools\s+8\.15\.1\s+—\s+arm64\s/);
    expect(frame).toContain('A small C program and its shared library');
  });

  it('shows the selected recipe in the details pane: sources, license, budget, last build', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    const frame = await picker.waitFor('last build');
    expect(frame).toMatch(/source\s+hello-1\.0\.0\.tar\.gz/);
    expect(frame).toMatch(/license\s+MIT/);
    expect(frame).toMatch(/budget\s+1 MB unzipped/);
    expect(frame).toMatch(/last build\s+20\.1 KB \(8\.2 KB zipped\)/);
    expect(frame).toMatch(/│ {12}provided\.al2023 x86_64 on\s/);
  });

  it('filters by typing, and the details pane follows the match', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    await picker.waitFor('pick a recipe');
    await picker.type('pand');
    const frame = await picker.waitFor('filter pand');
    expect(frame).toContain('› pandas');
    expect(frame).not.toContain('hello');
    expect(frame).not.toContain('libvips-tools');
    expect(frame).toMatch(/python\s+pandas==2\.2\.3 numpy==2\.1\.3/);
    expect(frame).toMatch(/license\s+BSD-3-Clause/);
    expect(frame).toMatch(/budget\s+150 MB unzipped/);
  });

  it('matches packages too, and says so when nothing matches', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    await picker.type('vips-tools');
    expect(await picker.waitFor('filter vips-tools')).toContain('› libvips-tools');
    await picker.type('zz');
    // Waits for the whole filter: the frame after the first z already says "no recipe matches".
    expect(await picker.waitFor('no recipe matches "vips-toolszz"')).toContain('filter vips-toolszz');
    await picker.press(KEY.backspace, KEY.backspace);
    expect(await picker.waitFor(/filter vips-tools█/)).toContain('› libvips-tools');
  });

  it('moves the selection with ↑/↓ and shows that recipe', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    await picker.waitFor('› hello');
    await picker.press(KEY.down, KEY.down);
    let frame = await picker.waitFor('› libvips-tools');
    expect(frame).toMatch(/packages\s+al2023: vips-tools/);
    expect(frame).toMatch(/packages\s+debian12: libvips-tools/);
    expect(frame).toMatch(/last build\s+none in the out folder/);
    await picker.press(KEY.down);
    expect(picker.frame()).toContain('› libvips-tools');
    await picker.press(KEY.up);
    frame = await picker.waitFor('› pandas');
    expect(frame).not.toContain('› libvips-tools');
  });

  it('Enter opens the choose view for the selected recipe', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    await picker.press(KEY.down);
    await picker.waitFor('› pandas');
    await picker.press(KEY.enter);
    const frame = await picker.waitFor('choose the target');
    expect(frame).toContain('pandas 2.2.3');
    expect(frame).toContain('[python3.12]');
  });

  it('Esc quits with 0 and builds nothing; with a filter typed, Esc first clears it', async () => {
    const build = fakeBuild();
    const picker = renderPicker(build.buildLayer);
    await picker.type('hel');
    await picker.waitFor('filter hel');
    await picker.press(KEY.escape);
    expect(await picker.waitFor('type to filter')).toContain('› hello');
    expect(picker.exitCodes).toEqual([]);
    await picker.press(KEY.escape);
    expect(await picker.waitForExit()).toEqual([0]);
    expect(build.calls).toHaveLength(0);
  });

  it('q quits when no filter is typed, and is a filter letter otherwise', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    await picker.type('lq');
    expect(await picker.waitFor('filter lq')).toContain('no recipe matches');
    expect(picker.exitCodes).toEqual([]);
    await picker.press(KEY.escape, 'q');
    expect(await picker.waitForExit()).toEqual([0]);
  });

  it('Ctrl-C with nothing running exits 130', async () => {
    const picker = renderPicker(fakeBuild().buildLayer);
    await picker.waitFor('pick a recipe');
    await picker.press(KEY.ctrlC);
    expect(await picker.waitForExit()).toEqual([130]);
  });

  it('a signal from outside (SIGTERM) exits 130', async () => {
    const controller = new AbortController();
    const picker = renderPicker(fakeBuild().buildLayer, { signal: controller.signal });
    await picker.waitFor('pick a recipe');
    controller.abort();
    expect(await picker.waitForExit()).toEqual([130]);
  });
});
