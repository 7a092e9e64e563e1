import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fakeBuild } from './fake-build.js';
import { KEY, renderPicker } from './harness.js';

afterEach(() => cleanup());

describe('picker choose view', () => {
  it("preselects the recipe's first runtime, x86_64 and the default base", async () => {
    const picker = renderPicker(fakeBuild().buildLayer, { defaults: { base: 'lambda' } });
    await picker.waitFor('› hello');
    await picker.press(KEY.enter);
    const frame = await picker.waitFor('choose the target');
    expect(frame).toMatch(/› runtime\s+\[provided\.al2023\]\s+provided\.al2\s+python3\.11/);
    expect(frame).toMatch(/arch\s+\[x86_64\]\s+arm64/);
    expect(frame).toMatch(/base\s+debian12\s+\[lambda\]/);
    expect(frame).toMatch(/test\s+\[off\]\s+on/);
    expect(frame).toContain("AWS's official Amazon Linux images");
  });

  it('takes the base from the defaults ($LAYERFORGE_BASE, --base) and an arch the recipe has', async () => {
    const picker = renderPicker(fakeBuild().buildLayer, {
      defaults: { base: 'debian12', arch: 'arm64', runtime: 'python3.12' },
    });
    await picker.press(KEY.enter);
    const frame = await picker.waitFor('choose the target');
    expect(frame).toMatch(/runtime\s+provided\.al2023\s+provided\.al2\s+python3\.11\s+\[python3\.12\]/);
    expect(frame).toMatch(/arch\s+x86_64\s+\[arm64\]/);
    expect(frame).toMatch(/base\s+\[debian12\]\s+lambda/);
    // debian12 cannot stand in for python3.12: said before anything starts.
    expect(frame).toContain('✗ base debian12 cannot stand in for python3.12');
  });

  it('picks runtime, arch and base with the arrow keys, and Enter builds exactly that', async () => {
    const build = fakeBuild();
    const picker = renderPicker(build.buildLayer);
    await picker.press(KEY.enter);
    await picker.waitFor('choose the target');
    await picker.press(KEY.right); // runtime → provided.al2
    await picker.press(KEY.down, KEY.right); // arch → arm64
    await picker.press(KEY.down, KEY.left); // base lambda → debian12
    await picker.press(KEY.down, ' '); // test → on
    const frame = await picker.waitFor('[on]');
    expect(frame).toMatch(/runtime\s+provided\.al2023\s+\[provided\.al2\]/);
    expect(frame).toMatch(/arch\s+x86_64\s+\[arm64\]/);
    expect(frame).toMatch(/base\s+\[debian12\]\s+lambda/);
    expect(frame).toContain('Offline stand-in');
    await picker.press(KEY.enter);
    await picker.waitFor('layer ready');
    expect(build.calls).toHaveLength(1);
    expect(build.calls[0]?.options).toMatchObject({
      recipe: 'hello@1.0.0',
      runtime: 'provided.al2',
      arch: 'arm64',
      base: 'debian12',
      test: true,
      outDir: 'dist',
    });
  });

  it('refuses Enter on a combination the base cannot build', async () => {
    const build = fakeBuild();
    const picker = renderPicker(build.buildLayer);
    await picker.press(KEY.enter);
    await picker.waitFor('choose the target');
    await picker.press(KEY.right, KEY.right, KEY.right, KEY.right); // nodejs20.x
    await picker.press(KEY.down, KEY.down, KEY.right); // base debian12
    const frame = await picker.waitFor('cannot stand in');
    expect(frame).toContain(
      '✗ base debian12 cannot stand in for nodejs20.x: it serves python3.11, provided.al2, provided.al2023',
    );
    await picker.press(KEY.enter);
    expect(picker.frame()).toContain('choose the target');
    expect(build.calls).toHaveLength(0);
  });

  it('Esc goes back to the list with the filter kept; q quits with 0', async () => {
    const build = fakeBuild();
    const picker = renderPicker(build.buildLayer);
    await picker.type('pan');
    await picker.waitFor('› pandas');
    await picker.press(KEY.enter);
    await picker.waitFor('choose the target');
    await picker.press(KEY.escape);
    const frame = await picker.waitFor('filter pan');
    expect(frame).toContain('› pandas');
    await picker.press(KEY.enter);
    await picker.waitFor('choose the target');
    await picker.press('q');
    expect(await picker.waitForExit()).toEqual([0]);
    expect(build.calls).toHaveLength(0);
  });
});
