// Ctrl-C and SIGTERM at random moments of build, test, invoke and base build, on the built binary
// and the real engine. Whenever the signal lands, the process must exit 130 (SIGINT) or 143
// (SIGTERM), or 0 when the work was already done, after removing its containers and temporary files.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import { containersWithLabel, requireDocker } from '../support/docker.js';
import { testEmulator } from '../support/rie.js';
import { sharedTempDir } from '../support/temp-dir.js';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'layerforge.js');
const functions = join(repo, 'test', 'fixtures', 'functions');
const fixtures = join(repo, 'test', 'fixtures', 'recipes-build');
const RUNS = 10;
/** Change it (LAYERFORGE_TEST_SEED) to explore other moments; a failure prints the seed and delay. */
const SEED = Number(process.env.LAYERFORGE_TEST_SEED ?? 20261201);
const EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
const HANG_MS = 60_000;
/** Below this, a command's signal window is timed again before each run (see its use). */
const SHORT_COMMAND_MS = 1_000;
type Signal = keyof typeof EXIT;

const shared = sharedTempDir('layerforge-it-interrupt-');
let work = '';
let env: NodeJS.ProcessEnv = {};
let layerZip = '';

/** mulberry32: a tiny seeded generator, so a failing moment can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  code: number | null;
  /** The signal that ended the process itself (node's default action, before layerforge's handler). */
  killedBy: NodeJS.Signals | null;
  signalled: boolean;
  /** Still running long after the signal (then killed with SIGKILL): the hang of issue 12. */
  hung: boolean;
  stderr: string;
  pid: number;
  ms: number;
}

/**
 * Runs the binary and sends it `signal` `delayMs` after it starts, or after it printed `after` on
 * stderr (never, when `signal` is undefined).
 */
async function runAndSignal(
  args: string[],
  tmp: string,
  signal?: Signal,
  delayMs = 0,
  after?: string,
): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: work,
    env: { ...process.env, ...env, TMPDIR: tmp },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let printed: () => void = () => {};
  const marker = new Promise<void>((resolve) => (printed = resolve));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (after !== undefined && stderr.includes(after)) printed();
  });
  let exited = false;
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, killedBy) => {
      exited = true;
      resolve([code, killedBy]);
    }),
  );
  const pid = child.pid ?? -1;
  let signalled = false;
  let hung = false;
  let deadline: NodeJS.Timeout | undefined;
  if (signal !== undefined) {
    if (after !== undefined) await Promise.race([marker, exit]);
    await new Promise((r) => setTimeout(r, delayMs));
    signalled = !exited && child.kill(signal);
    // Cleanup takes a second or two; a minute means the process waits for something that never comes.
    deadline = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
  }
  const [code, killedBy] = await exit;
  clearTimeout(deadline);
  return { code, killedBy, signalled, hung, stderr, pid, ms: Date.now() - started };
}

async function walk(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir, { recursive: true })).map(String) : [];
}

/** What a run's last line of output says, without its paths: `manifest`, `layer`, `✓` … */
function lastLineLabel(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  return (lines[lines.length - 1] ?? '').split(/[:\s]/)[0] ?? '';
}

/** Every zip in `dir` has its manifest, and its bytes are the ones the manifest describes. */
async function expectWholeArtifacts(dir: string, context: string): Promise<void> {
  const names = await walk(dir);
  expect(
    names.filter((n) => n.endsWith('.tmp')),
    context,
  ).toEqual([]);
  for (const zip of names.filter((n) => n.endsWith('.zip'))) {
    const manifestPath = join(dir, zip.replace(/\.zip$/, '.manifest.json'));
    expect(existsSync(manifestPath), `${context}: ${zip} has no manifest`).toBe(true);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { zip: { sha256: string } };
    const sha = createHash('sha256')
      .update(await readFile(join(dir, zip)))
      .digest('hex');
    expect(sha, `${context}: ${zip} is not the zip its manifest describes`).toBe(manifest.zip.sha256);
  }
}

/** The debian12 stand-in images for x86_64 (an arm64 build may run beside this test). */
function standInImages(): string[] {
  return ['build', 'runtime'].flatMap((kind) =>
    execFileSync(
      'docker',
      ['images', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}', `layerforge/debian12-${kind}`],
      {
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((line) => line.endsWith('-x86_64')),
  );
}

interface Scenario {
  name: string;
  args: (out: string) => string[];
}

const scenarios: Scenario[] = [
  {
    name: 'build',
    args: (out) => [
      'build',
      'hello',
      '--base',
      'debian12',
      '--runtime',
      'python3.11',
      '--no-cache',
      '--out',
      out,
    ],
  },
  {
    name: 'test',
    args: (out) => ['test', 'hello', '--base', 'debian12', '--runtime', 'python3.11', '--out', out],
  },
  {
    name: 'invoke',
    args: () => [
      'invoke',
      join(functions, 'py-layer'),
      '--handler',
      'app.handler',
      '--runtime',
      'python3.11',
      '--base',
      'debian12',
      '--layer',
      layerZip,
      '--event',
      join(functions, 'py-layer', 'event.json'),
    ],
  },
  // The stand-in images exist (CI builds them first): this is the cache check, and the images it
  // finds must survive every interrupt.
  { name: 'base build', args: () => ['base', 'build', 'debian12', '--arch', 'x86_64'] },
];

beforeAll(async () => {
  requireDocker();
  const emulator = await testEmulator('x86_64');
  work = shared.path;
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_RIE: emulator.path };
  // The layer `test` reuses from the cache and `invoke` loads; it also warms the invoke image.
  const out = join(work, 'layer');
  const tmp = join(work, 'tmp-setup');
  await mkdir(tmp, { recursive: true });
  const build = await runAndSignal(scenarios[0]?.args(out) ?? [], tmp);
  expect(build.code, build.stderr).toBe(0);
  layerZip = join(out, 'hello-1.0.0-python3.11-x86_64.zip');
  const invoke = await runAndSignal(scenarios[2]?.args(out) ?? [], tmp);
  expect(invoke.code, invoke.stderr).toBe(0);
}, 900_000);

describe('a signal at a random moment leaves nothing behind', () => {
  for (const [index, scenario] of scenarios.entries()) {
    it(`${scenario.name}: ${RUNS} interrupts, half SIGINT and half SIGTERM`, async () => {
      const next = random(SEED + index);
      const tmp = join(work, 'tmp', scenario.name, 'measure');
      await mkdir(tmp, { recursive: true });
      const timeWindow = async () => {
        // Signals land over most of an undisturbed run, timed here on this machine (the faster of
        // two, so a slow moment of a shared machine does not push the signals past the end).
        let durationMs = Infinity;
        let finalLine = '';
        // And after the handler exists: before it, Node's default action ends the process, which
        // proves nothing about layerforge. The launcher answers a lone --version right after it
        // installs the handler, so that run's time is about when the handler exists. Without this,
        // a command as short as `base build` (0.25 s under Node 20, 0.1 s of it Node's own start)
        // drew most of its moments before the handler. The slower of two starts is taken: with
        // two busy loops beside it, 30 signals into `base build` fell 5 times before its handler
        // and twice after its end with the faster start, 3 times and once with the slower.
        let handlerMs = 0;
        for (const attempt of [1, 2]) {
          const measured = await runAndSignal(scenario.args(join(work, 'measure', scenario.name)), tmp);
          expect(measured.code, `undisturbed run ${attempt}: ${measured.stderr}`).toBe(0);
          durationMs = Math.min(durationMs, measured.ms);
          finalLine = lastLineLabel(measured.stderr);
          const version = await runAndSignal(['--version'], tmp);
          expect(version.code, version.stderr).toBe(0);
          handlerMs = Math.max(handlerMs, version.ms);
        }
        return { startMs: Math.min(handlerMs, durationMs / 2), durationMs, finalLine };
      };
      // A command this short is mostly Node's start, which the other test files' load stretches
      // and shrinks from minute to minute: timed once before the ten runs, a 0.25 s `base build`
      // had four signals in ten land before the handler or after the end, in two CI runs of
      // three. It is timed again right before each run, under the load that run will meet.
      const first = await timeWindow();
      const retimed = first.durationMs < SHORT_COMMAND_MS;
      const imagesBefore = standInImages();
      let interrupted = 0;
      let beforeHandler = 0;
      let afterEnd = 0;
      // Even timed again, a cached `base build` works for some 80 ms of its 150 ms, and under the
      // other test files' load one run's start or end moves by more than that: ten moments put 4
      // in its work, 4 before its handler and 2 after its end, in one CI run of three. So a short
      // command draws more moments, up to three times as many, until half of ten have landed in
      // its work. Every run is checked as any other: only the count of moments grows.
      let run = 0;
      const moreMoments = () => run < RUNS || (retimed && interrupted < RUNS / 2 && run < 3 * RUNS);
      for (; moreMoments(); run++) {
        const signal: Signal = run % 2 === 0 ? 'SIGINT' : 'SIGTERM';
        const { startMs, durationMs, finalLine } = retimed && run > 0 ? await timeWindow() : first;
        const delayMs = Math.round(startMs + next() * 0.8 * (durationMs - startMs));
        const context = `${scenario.name} run ${run}: ${signal} after ${delayMs} ms (seed ${SEED + index})`;
        const out = join(work, 'out', scenario.name, String(run));
        const runTmp = join(work, 'tmp', scenario.name, String(run));
        await mkdir(runTmp, { recursive: true });
        const outcome = await runAndSignal(scenario.args(out), runTmp, signal, delayMs);
        const status = `${context}: exit ${outcome.code ?? outcome.killedBy}\n${outcome.stderr}`;
        expect(outcome.hung, `${context}: still running ${HANG_MS / 1000} s after the signal`).toBe(false);
        if (outcome.killedBy !== null) {
          // Node's default action, in the few milliseconds before the launcher's handler exists,
          // or after the command finished, while Node tears the process down (its signal
          // handlers go before it exits); the shell reports it as the same 130/143. Acceptable
          // only then: before anything was printed, or once the command's last line was.
          expect(outcome.killedBy, status).toBe(signal);
          const finished =
            lastLineLabel(outcome.stderr) === finalLine &&
            !outcome.stderr.includes('stopping and cleaning up');
          expect(outcome.stderr === '' || finished, status).toBe(true);
          if (outcome.stderr === '') beforeHandler += 1;
          else afterEnd += 1;
        } else {
          expect(outcome.signalled ? [EXIT[signal], 0] : [0], status).toContain(outcome.code);
          if (outcome.code === EXIT[signal]) interrupted += 1;
          else afterEnd += 1;
        }
        expect(outcome.stderr, context).not.toMatch(/internal error|^\s+at /m);
        expect(containersWithLabel(`dev.layerforge.pid=${outcome.pid}`), context).toEqual([]);
        expect(await walk(runTmp), `${context}: temporary files left`).toEqual([]);
        await expectWholeArtifacts(out, context);
        if (outcome.code === 0 && scenario.name !== 'invoke' && scenario.name !== 'base build')
          expect(
            (await walk(out)).filter((n) => n.endsWith('.zip')),
            context,
          ).toHaveLength(1);
        await expectWholeArtifacts(join(work, 'cache', 'builds'), `${context}: cache`);
        if (scenario.name === 'base build') expect(standInImages(), context).toEqual(imagesBefore);
        expect(
          (await walk(join(work, 'cache'))).filter((n) => n.endsWith('.tmp')),
          `${context}: cache temp entries`,
        ).toEqual([]);
      }
      // Random moments that all fell before the start or after the end would prove nothing.
      console.info(
        `${scenario.name}: ${interrupted} interrupted, ${beforeHandler} before the handler existed, ${afterEnd} after the command finished, of ${run}`,
      );
      expect(interrupted, `${scenario.name}: runs interrupted while working`).toBeGreaterThanOrEqual(
        RUNS / 2,
      );
    }, 600_000);
  }
});

describe('a signal during extract', () => {
  // The engine keeps the container locked while its /opt archive is open: a Ctrl-C here once left
  // the process idle for minutes with its container and temporary folder in place.
  for (const [signal, delayMs] of [
    ['SIGINT', 0],
    ['SIGTERM', 400],
  ] as const) {
    it(`${signal} ${delayMs} ms into extract removes the container and the temporary folder`, async () => {
      const out = join(work, 'out', `extract-${signal}`);
      const tmp = join(work, 'tmp', `extract-${signal}`);
      await mkdir(tmp, { recursive: true });
      const args = ['build', 'big-opt', '--recipes', fixtures, '--base', 'debian12', '--out', out];
      const outcome = await runAndSignal(args, tmp, signal, delayMs, '▸ extract');
      const context = `${signal} ${delayMs} ms into extract`;
      expect(outcome.hung, `${context}: still running ${HANG_MS / 1000} s after the signal`).toBe(false);
      expect(outcome.code, `${context}\n${outcome.stderr}`).toBe(EXIT[signal]);
      expect(outcome.stderr).toMatch(/✗ extract failed after/);
      expect(outcome.stderr, context).not.toMatch(/internal error|^\s+at /m);
      expect(containersWithLabel(`dev.layerforge.pid=${outcome.pid}`), context).toEqual([]);
      expect(await walk(tmp), `${context}: temporary files left`).toEqual([]);
      expect(await walk(out), context).toEqual([]);
      expect(
        (await walk(join(work, 'cache'))).filter((n) => n.endsWith('.tmp')),
        context,
      ).toEqual([]);
    }, 600_000);
  }
});

describe('a second signal', () => {
  it('exits at once, without waiting for the cleanup the first one started', async () => {
    const tmp = join(work, 'tmp', 'second-signal');
    await mkdir(tmp, { recursive: true });
    const child = spawn(
      process.execPath,
      [
        bin,
        'build',
        'slow',
        '--recipes',
        fixtures,
        '--base',
        'debian12',
        '--out',
        join(work, 'out', 'second'),
      ],
      { cwd: work, env: { ...process.env, ...env, TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('slow build started')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await started;
    // The second signal goes once the first is being handled: two signals sent back to back may
    // reach the process's threads, and so its handlers, in either order.
    const cleaning = new Promise<void>((resolve) =>
      child.stderr.on('data', () => stderr.includes('SIGINT: stopping and cleaning up') && resolve()),
    );
    child.kill('SIGINT');
    await cleaning;
    child.kill('SIGTERM');
    // 143, not the 130 the first signal's cleanup would end with.
    expect(await exited, stderr).toBe(143);
    expect(stderr).not.toContain('interrupted: stopped cleanly');
    // The user chose not to wait: the next run removes what is left; here the test does. The
    // first signal's removal may still be under way in the engine, which removeContainer waits for.
    const engine = new DockerEngine();
    for (const id of containersWithLabel(`dev.layerforge.pid=${child.pid}`)) await engine.removeContainer(id);
    expect(containersWithLabel(`dev.layerforge.pid=${child.pid}`)).toEqual([]);
  }, 300_000);
});
