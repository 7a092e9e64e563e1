// Pruning checked by smoke tests, on the real engine (issue 8): a rule that breaks a test is
// found, reverted and reported; the rules that do not stay applied.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/core/layer/manifest-schema.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const recipes = join(import.meta.dirname, '..', 'fixtures', 'recipes-prune');
const shared = sharedTempDir('layerforge-it-prune-');
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' };
});

describe('pruning checked by the smoke tests', () => {
  it('reverts strip and docs, which break the selfcheck tests, keeps the harmless rules, and the layer passes', async () => {
    const out = join(work, 'out');
    const run = await runLayerforge(
      ['build', 'selfcheck', '--recipes', recipes, '--test', '--json', '--out', out],
      {
        cwd: work,
        env,
      },
    );
    expect(run.code, run.stderr).toBe(0);

    const rules = run.events.flatMap((e) => (e.type === 'prune.rule' ? [e] : []));
    expect(rules).toEqual([
      { type: 'prune.rule', rule: 'docs', bytesSaved: 0, reverted: true },
      { type: 'prune.rule', rule: 'headers', bytesSaved: 28, reverted: false },
      { type: 'prune.rule', rule: 'static-libraries', bytesSaved: expect.any(Number), reverted: false },
      { type: 'prune.rule', rule: 'strip', bytesSaved: 0, reverted: true },
    ]);
    expect(rules[2]?.bytesSaved).toBeGreaterThan(1000);

    const zip = join(out, 'selfcheck-1.0.0-provided.al2023-x86_64.zip');
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(zip.replace(/\.zip$/, '.manifest.json'), 'utf8')),
    );
    expect(manifest.prune).toEqual(
      rules.map(({ rule, bytesSaved, reverted }) => ({ rule, bytesSaved, reverted })),
    );

    // The final layer, read by Info-ZIP: the reverted rules' files are there, the others' are not.
    const listing = execFileSync('zipinfo', ['-1', zip], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('share/doc/selfcheck/greeting.txt');
    expect(listing).toContain('bin/selfcheck');
    expect(listing).not.toContain('include/selfcheck.h');
    expect(listing).not.toContain('lib/libselfcheck.a');
    // The program is not stripped: binutils (not our code) still finds its symbol table.
    const extracted = join(work, 'x');
    execFileSync('unzip', ['-q', zip, 'bin/selfcheck', '-d', extracted]);
    expect(
      execFileSync('readelf', ['-S', '-W', join(extracted, 'bin', 'selfcheck')], { encoding: 'utf8' }),
    ).toMatch(/\.symtab/);

    // The final test step ran both tests once, on the final zip, and both passed.
    const results = run.events.filter((e) => e.type === 'test.result');
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.type === 'test.result' && r.ok)).toBe(true);
  }, 600_000);

  it('with --prune none no rule runs and the manifest lists none', async () => {
    const out = join(work, 'none');
    const run = await runLayerforge(
      ['build', 'selfcheck', '--recipes', recipes, '--prune', 'none', '--json', '--out', out],
      { cwd: work, env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.filter((e) => e.type === 'prune.rule')).toEqual([]);
    const listing = execFileSync('zipinfo', ['-1', join(out, 'selfcheck-1.0.0-provided.al2023-x86_64.zip')], {
      encoding: 'utf8',
    }).split('\n');
    expect(listing).toContain('include/selfcheck.h');
    expect(listing).toContain('lib/libselfcheck.a');
  }, 600_000);
});
