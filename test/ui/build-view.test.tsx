import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { JobFailedError } from '../../src/core/errors.js';
import type { PublishZip } from '../../src/ui/app/use-publish-events.js';
import { ZIP_PATH, fakeBuild, fakeCachedBuild } from './fake-build.js';
import { KEY, renderPicker, type Picker } from './harness.js';

afterEach(() => cleanup());

/** hello → choose (debian12) → Enter. */
async function startBuild(picker: Picker): Promise<void> {
  await picker.waitFor('› hello');
  await picker.press(KEY.enter);
  await picker.waitFor('choose the target');
  await picker.press(KEY.down, KEY.down, KEY.right);
  await picker.waitFor('[debian12]');
  await picker.press(KEY.enter);
}

describe('picker build view', () => {
  it('shows the running step, the last 10 log lines and the pending steps while the build runs', async () => {
    const build = fakeBuild({ hold: true });
    const picker = renderPicker(build.buildLayer);
    await startBuild(picker);
    const frame = await picker.waitFor('log (14 lines, last 10)');
    expect(frame).toContain('building hello 1.0.0 · provided.al2023 x86_64 · base debian12');
    expect(frame).toMatch(/✓ resolve\s+1\.2s\s+hello@1\.0\.0 for provided\.al2023 x86_64 on debian12/);
    expect(frame).toMatch(/✓ base-image\s+1\.2s\s+layerforge\/debian12-build/);
    expect(frame).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] build\s+\d+\.\ds$/m);
    for (const step of ['extract', 'prune', 'audit', 'zip'])
      expect(frame).toMatch(new RegExp(`^· ${step}\\s*$`, 'm'));
    // The smoke test was not asked for: not listed.
    expect(frame).not.toMatch(/^· test/m);
    for (let i = 5; i <= 14; i++)
      expect(frame).toMatch(new RegExp(`│ cc -O2 -o hello hello\\.c # line ${i}$`, 'm'));
    for (let i = 1; i <= 4; i++) expect(frame).not.toMatch(new RegExp(`# line ${i}$`, 'm'));
    expect(frame).toContain('warning: building on the debian12 stand-in, not Amazon Linux');
    expect(frame).toContain('size     measured when the layer is zipped');
    expect(frame).toContain('Ctrl-C cancel');
    build.release();
    await picker.waitFor('layer ready');
  });

  it('renders a finished build: steps, size meter against 250 MB and 50 MB, summary with the zip path and next steps', async () => {
    const build = fakeBuild();
    const picker = renderPicker(build.buildLayer, { defaultRegions: 'eu-west-1' });
    await startBuild(picker);
    const frame = await picker.waitFor('layer ready');
    for (const step of ['resolve', 'base-image', 'build', 'extract', 'prune', 'audit', 'zip']) {
      expect(frame).toMatch(new RegExp(`^✓ ${step}\\s+1\\.2s`, 'm'));
    }
    // extract ran inside build, so it finished first.
    expect(frame.search(/^✓ extract/m)).toBeLessThan(frame.search(/^✓ build/m));
    expect(frame).not.toContain('not run');
    expect(frame).toMatch(/^unzipped \[█░{29}\]\s+20\.1 KB of 250 MB \(0\.0%\)$/m);
    expect(frame).toMatch(/^zipped {3}\[█░{29}\]\s+8\.2 KB of 50 MB inline \(0\.0%\)$/m);
    expect(frame).toContain('recipe budget 1 MB unzipped (2.0% used)');
    expect(frame).toContain(`zip        ${ZIP_PATH}`);
    expect(frame).toContain('manifest   dist/hello-1.0.0-provided.al2023-x86_64.manifest.json');
    expect(frame).toContain('size       20.1 KB unzipped · 8.2 KB zipped · 3 files · pruning saved 4.0 KB');
    expect(frame).toContain('audit      0 error(s), 1 warning(s) in 3 files');
    expect(frame).toContain('warning: bin/hello: audited against Debian 12, not Amazon Linux');
    expect(frame).toContain('layerforge inspect dist/hello-1.0.0-provided.al2023-x86_64.zip');
    expect(frame).toContain(
      'layerforge publish dist/hello-1.0.0-provided.al2023-x86_64.zip --region eu-west-1',
    );
    // The log is the build's business; the summary replaces it.
    expect(frame).not.toContain('# line 14');
    expect(picker.exitCodes).toEqual([]);
    await picker.press('q');
    expect(await picker.waitForExit()).toEqual([0]);
  });

  it('a cache hit shows the skipped steps and takes the sizes and audit counts from the returned manifest', async () => {
    const picker = renderPicker(fakeCachedBuild());
    await startBuild(picker);
    const frame = await picker.waitFor('layer ready');
    expect(frame).toContain('✓ layer ready (from the cache: same inputs as an earlier build)');
    for (const step of ['build', 'extract', 'prune', 'audit', 'zip']) {
      expect(frame).toMatch(new RegExp(`^– ${step}\\s+0\\.0s\\s+skipped: cache hit$`, 'm'));
    }
    expect(frame).toMatch(/^unzipped \[█░{29}\]\s+20\.1 KB of 250 MB/m);
    expect(frame).toContain('size       20.1 KB unzipped · 8.2 KB zipped');
    expect(frame).toContain('audit      0 error(s), 1 warning(s)');
  });

  it('a remote hit says so: built elsewhere with the same inputs, verified', async () => {
    const picker = renderPicker(fakeCachedBuild({ remote: true }));
    await startBuild(picker);
    const frame = await picker.waitFor('layer ready');
    expect(frame).toContain('✓ layer ready (remote hit: built elsewhere with the same inputs, verified)');
    expect(frame).toMatch(/^– build\s+0\.0s\s+skipped: remote hit$/m);
  });

  it('moves finished steps into <Static>: each is written once, above the live part', async () => {
    const build = fakeBuild({ hold: true });
    const picker = renderPicker(build.buildLayer);
    await startBuild(picker);
    await picker.waitFor('log (14 lines');
    build.release();
    await picker.waitFor('layer ready');
    const frame = picker.frame();
    // In debug mode ink prints the whole static output, then the live part: title and steps come first, once.
    const title = frame.indexOf('building hello');
    const zipStep = frame.search(/^✓ zip/m);
    const meter = frame.indexOf('unzipped [');
    expect(title).toBeGreaterThanOrEqual(0);
    expect(zipStep).toBeGreaterThan(title);
    expect(meter).toBeGreaterThan(zipStep);
    expect(frame.match(/^✓ resolve/gm)).toHaveLength(1);
  });

  it('Ctrl-C during a build aborts the signal handed to buildLayer, waits for it to stop, and exits 130', async () => {
    const build = fakeBuild({ hold: true, slowCleanup: true });
    const picker = renderPicker(build.buildLayer);
    await startBuild(picker);
    await picker.waitFor('log (14 lines');
    const signal = build.calls[0]?.signal;
    expect(signal?.aborted).toBe(false);
    await picker.press(KEY.ctrlC);
    expect(signal?.aborted).toBe(true);
    // Still cleaning up: the picker waits for the core instead of exiting under it.
    expect(await picker.waitFor('cancelling')).toContain(
      '■ cancelling: stopping and removing the build container',
    );
    expect(picker.exitCodes).toEqual([]);
    build.finishCleanup();
    await picker.waitFor('build cancelled');
    expect(await picker.waitForExit()).toEqual([130]);
    expect(picker.frame()).toContain('■ build cancelled: the container was removed and nothing was written');
    expect(picker.frame()).toMatch(/^✗ build\s+\d/m);
    expect(build.calls).toHaveLength(1);
  });

  it('a second Ctrl-C while the build cleans up exits 130 at once', async () => {
    const build = fakeBuild({ hold: true, slowCleanup: true });
    const picker = renderPicker(build.buildLayer);
    await startBuild(picker);
    await picker.waitFor('log (14 lines');
    await picker.press(KEY.ctrlC);
    await picker.waitFor('cancelling');
    expect(picker.exitCodes).toEqual([]);
    await picker.press(KEY.ctrlC);
    expect(await picker.waitForExit()).toEqual([130]);
    build.finishCleanup();
  });

  it('a failed build shows the message, details and hint, and q exits with the failure code', async () => {
    const build = fakeBuild({
      fail: new JobFailedError('the build script of hello exited with code 2', {
        details: ['make: *** [hello] Error 1'],
        hint: 'the last 40 log lines are above; rerun with --no-cache after fixing build.sh',
      }),
    });
    const picker = renderPicker(build.buildLayer);
    await startBuild(picker);
    const frame = await picker.waitFor('build failed');
    expect(frame).toContain('✗ build failed: the build script of hello exited with code 2');
    expect(frame).toContain('  make: *** [hello] Error 1');
    expect(frame).toContain('hint: the last 40 log lines are above');
    expect(frame).toMatch(/^✗ build\s+0\.0s/m);
    // The steps after the failure are listed as not run; the log stays for the diagnosis.
    expect(frame).toMatch(/^· prune\s+not run/m);
    expect(frame).toMatch(/│ cc -O2 -o hello hello\.c # line 14$/m);
    expect(frame).not.toContain('p publish');
    await picker.press('q');
    expect(await picker.waitForExit()).toEqual([1]);
  });

  it('offers to publish after the build: p, regions prefilled, Enter publishes that zip; each region is shown', async () => {
    const calls: { zipPath: string; regions: string[] }[] = [];
    const publish: PublishZip = async (zipPath, regions, { sink }) => {
      calls.push({ zipPath, regions });
      for (const region of regions) {
        sink({ type: 'publish.region.start', region, layerName: 'hello-provided-al2023-x86_64' });
        sink({
          type: 'publish.region.done',
          region,
          layerName: 'hello-provided-al2023-x86_64',
          ok: true,
          version: 3,
          layerVersionArn: `arn:aws:lambda:${region}:123456789012:layer:hello-provided-al2023-x86_64:3`,
        });
      }
      return { layerName: 'hello-provided-al2023-x86_64', lockFile: '/work/project/layerforge.lock.json' };
    };
    const picker = renderPicker(fakeBuild().buildLayer, { publish, defaultRegions: 'eu-west-1' });
    await startBuild(picker);
    expect(await picker.waitFor('layer ready')).toContain('p publish to AWS regions · q quit');
    await picker.press('p');
    expect(await picker.waitFor('publish to regions:')).toContain('publish to regions: eu-west-1█');
    await picker.type(',us-east-1');
    await picker.press(KEY.enter);
    const frame = await picker.waitFor('recorded in');
    expect(calls).toEqual([{ zipPath: ZIP_PATH, regions: ['eu-west-1', 'us-east-1'] }]);
    expect(frame).toMatch(
      /✓ eu-west-1\s+arn:aws:lambda:eu-west-1:123456789012:layer:hello-provided-al2023-x86_64:3/,
    );
    expect(frame).toMatch(
      /✓ us-east-1\s+arn:aws:lambda:us-east-1:123456789012:layer:hello-provided-al2023-x86_64:3/,
    );
    expect(frame).toContain('recorded in /work/project/layerforge.lock.json');
    await picker.press('q');
    expect(await picker.waitForExit()).toEqual([0]);
  });

  it('a failed publish is shown with its hint and exits 1', async () => {
    const publish: PublishZip = async () => {
      const { UserError } = await import('../../src/core/errors.js');
      throw new UserError('no AWS credentials found', { hint: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID' });
    };
    const picker = renderPicker(fakeBuild().buildLayer, { publish });
    await startBuild(picker);
    await picker.waitFor('layer ready');
    await picker.press('p');
    await picker.waitFor('publish to regions:');
    await picker.type('us-east-1');
    await picker.press(KEY.enter);
    const frame = await picker.waitFor('publish failed');
    expect(frame).toContain('✗ publish failed: no AWS credentials found');
    expect(frame).toContain('hint: set AWS_PROFILE or AWS_ACCESS_KEY_ID');
    await picker.press('q');
    expect(await picker.waitForExit()).toEqual([1]);
  });
});
