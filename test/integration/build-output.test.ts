// What `build` and `test` print on the real engine, for a script to capture: the zip path on
// stdout and progress on stderr; under --json one final build.result (or matrix.summary); and
// --quiet leaving only results, warnings and errors.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { expectEventLines } from '../support/event-samples.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-it-output-');
let work: string;
let env: NodeJS.ProcessEnv;
const ZIP = 'hello-1.0.0-provided.al2023-x86_64.zip';

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  // One cache for the file: the first build fills it, the others hit it.
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache') };
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const nonWarningLines = (text: string) =>
  text.split('\n').filter((line) => line !== '' && !line.startsWith('warning: '));

describe('build prints its result on stdout', () => {
  it('the zip path, and only that, on stdout; progress on stderr', async () => {
    const run = await runLayerforge(['build', 'hello', '--base', 'debian12'], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    const zip = join(work, 'dist', ZIP);
    expect(run.stdout).toBe(`${zip}\n`);
    expect(existsSync(zip)).toBe(true);
    expect(run.stderr).toContain('▸ resolve');
    expect(run.stderr).toContain(`layer: ${zip}`);
    // The one build that runs a container; the others hit the cache it fills.
  }, 600_000);

  it('--json ends with one build.result record, a member of the event union', async () => {
    const run = await runLayerforge(['build', 'hello', '--base', 'debian12', '--json'], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    const events = expectEventLines(run.stdout);
    expect(events.filter((e) => e.type === 'build.result')).toHaveLength(1);
    const result = events.at(-1) as Extract<LayerforgeEvent, { type: 'build.result' }>;
    expect(result).toMatchObject({ type: 'build.result', zipPath: join(work, 'dist', ZIP), cached: true });
    expect(result.manifest.zip.sha256).toBe(sha256(result.zipPath));
    expect(result.manifest.runtimes).toEqual(['provided.al2023']);
  });

  it('--quiet: the path on stdout, and on stderr nothing but warnings', async () => {
    const run = await runLayerforge(['build', 'hello', '--base', 'debian12', '--quiet'], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${join(work, 'dist', ZIP)}\n`);
    // The stand-in base is a warning, and warnings stay.
    expect(run.stderr).toMatch(/^warning: building on the debian12 stand-in/);
    expect(nonWarningLines(run.stderr)).toEqual([]);
  });

  it('--json --quiet: the warnings and the result record only', async () => {
    const argv = ['build', 'hello', '--base', 'debian12', '--json', '-q'];
    const run = await runLayerforge(argv, { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(expectEventLines(run.stdout).map((e) => e.type)).toEqual(['warning', 'build.result']);
    expect(run.stderr).toBe('');
  });

  it('--quiet still reports a failure on stderr', async () => {
    const run = await runLayerforge(
      ['build', 'hello', '--base', 'debian12', '--runtime', 'nodejs99.x', '-q'],
      {
        cwd: work,
        env,
      },
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .*nodejs99\.x/m);
  });

  it('a matrix prints one zip path per built cell on stdout, and its table on stderr', async () => {
    const argv = ['build', 'hello', '--base', 'debian12', '--runtime', 'provided.al2023,python3.11'];
    const run = await runLayerforge(argv, { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      join(work, 'dist', ZIP),
      join(work, 'dist', 'hello-1.0.0-python3.11-x86_64.zip'),
    ]);
    expect(run.stderr).toMatch(/^CELL +RESULT +UNZIPPED/m);

    const quiet = await runLayerforge([...argv, '--quiet'], { cwd: work, env });
    expect(quiet.stdout).toBe(run.stdout);
    expect(nonWarningLines(quiet.stderr)).toEqual([]);
  }, 600_000);

  it('writes to outDir from layerforge.config.yaml, and --out beats it', async () => {
    const project = await mkdtemp(join(work, 'project-'));
    await writeFile(join(project, 'layerforge.config.yaml'), 'outDir: layers\n');
    const run = await runLayerforge(['build', 'hello', '--base', 'debian12', '-q'], { cwd: project, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${join(project, 'layers', ZIP)}\n`);
    expect(existsSync(join(project, 'layers', ZIP))).toBe(true);
    expect(existsSync(join(project, 'dist'))).toBe(false);

    const flagged = await runLayerforge(['build', 'hello', '--base', 'debian12', '-q', '--out', 'o'], {
      cwd: project,
      env,
    });
    expect(flagged.stdout).toBe(`${join(project, 'o', ZIP)}\n`);
  });

  it('test prints the tested zip path too', async () => {
    const run = await runLayerforge(['test', 'hello', '--base', 'debian12', '-q'], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${join(work, 'dist', ZIP)}\n`);
  }, 300_000);
});
