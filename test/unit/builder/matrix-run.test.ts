import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuildLayerOptions, BuildLayerResult } from '../../../src/core/builder/types.js';
import type { MatrixEngine } from '../../../src/core/builder/matrix-engines.js';
import type { ContainerEngine } from '../../../src/core/engine/container-engine.js';
import { InterruptedError, JobFailedError } from '../../../src/core/errors.js';
import { recordEvents, type EventSink } from '../../../src/core/events.js';
import type { LayerManifest } from '../../../src/core/layer/manifest.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { testJob } from '../../support/job-context.js';

// buildLayer needs a real engine; the matrix only orchestrates it, so it is replaced here by a
// stand-in whose behaviour each test sets. Everything else in matrix.ts runs for real.
type BuildIO = { sink: EventSink; signal: AbortSignal; engine(): Promise<ContainerEngine> };
const fakeBuild = vi.hoisted(() => ({
  impl: undefined as undefined | ((options: BuildLayerOptions, io: BuildIO) => Promise<BuildLayerResult>),
}));
vi.mock('../../../src/core/builder/build-layer.js', () => ({
  buildLayer: (options: BuildLayerOptions, io: BuildIO) => {
    if (!fakeBuild.impl) throw new Error('no fake build set');
    return fakeBuild.impl(options, io);
  },
}));

const { buildMatrix } = await import('../../../src/core/builder/matrix.js');

/** An engine whose arch the matrix does not know: cells go round-robin, as before routing. */
const unrouted = (engine: FakeEngine): MatrixEngine => ({ engine, label: engine.endpoint, arch: undefined });

function built(options: BuildLayerOptions, cached = false): BuildLayerResult {
  const zipPath = `/dist/${options.recipe}-${options.runtime}-${options.arch}.zip`;
  return {
    zipPath,
    manifestPath: zipPath.replace(/\.zip$/, '.manifest.json'),
    manifest: { zip: { unzippedBytes: 2000, zippedBytes: 900 } } as unknown as LayerManifest,
    cached,
  };
}

const CELLS = [
  { recipe: 'a@1.0.0', runtime: 'python3.12', arch: 'x86_64' as const },
  { recipe: 'a@1.0.0', runtime: 'python3.12', arch: 'arm64' as const },
  { recipe: 'b@2.0.0', runtime: 'provided.al2023', arch: 'x86_64' as const },
  { recipe: 'b@2.0.0', runtime: 'provided.al2', arch: 'x86_64' as const },
  { recipe: 'c@0.1.0', runtime: 'provided.al2023', arch: 'arm64' as const },
];

const signal = () => new AbortController().signal;

beforeEach(() => {
  fakeBuild.impl = undefined;
});

describe('buildMatrix', () => {
  it('builds every cell with the shared options, and reports results in cell order', async () => {
    const seen: BuildLayerOptions[] = [];
    fakeBuild.impl = async (options) => {
      seen.push(options);
      return built(options, options.recipe === 'c@0.1.0');
    };
    const results = await buildMatrix(
      CELLS,
      { outDir: '/dist', noAudit: true },
      { jobs: 2, engines: [unrouted(new FakeEngine())] },
      testJob({ signal: signal() }),
    );
    expect(seen.map((o) => `${o.recipe}/${o.runtime}/${o.arch}`).sort()).toEqual(
      CELLS.map((c) => `${c.recipe}/${c.runtime}/${c.arch}`).sort(),
    );
    expect(seen.every((o) => o.outDir === '/dist' && o.noAudit === true)).toBe(true);
    expect(results.map((r) => [r.recipe, r.runtime, r.arch, r.status])).toEqual([
      ['a@1.0.0', 'python3.12', 'x86_64', 'ok'],
      ['a@1.0.0', 'python3.12', 'arm64', 'ok'],
      ['b@2.0.0', 'provided.al2023', 'x86_64', 'ok'],
      ['b@2.0.0', 'provided.al2', 'x86_64', 'ok'],
      ['c@0.1.0', 'provided.al2023', 'arm64', 'cached'],
    ]);
    expect(results[0]).toMatchObject({
      zipPath: '/dist/a@1.0.0-python3.12-x86_64.zip',
      unzippedBytes: 2000,
      zippedBytes: 900,
      engine: 'fake://engine',
    });
  });

  it('never runs more than `jobs` builds at once', async () => {
    let running = 0;
    let most = 0;
    fakeBuild.impl = async (options) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return built(options);
    };
    const engines = [unrouted(new FakeEngine())];
    await buildMatrix(CELLS, {}, { jobs: 2, engines }, testJob({ signal: signal() }));
    expect(most).toBe(2);
    most = 0;
    await buildMatrix(CELLS, {}, { jobs: 0, engines }, testJob({ signal: signal() }));
    expect(most).toBe(1);
  });

  it('spreads cells round-robin over the engines', async () => {
    const used = new Map<string, string | undefined>();
    fakeBuild.impl = async (options, io) => {
      used.set(`${options.recipe}/${options.runtime}/${options.arch}`, (await io.engine()).endpoint);
      return built(options);
    };
    const engines = [new FakeEngine('tcp://one:2375'), new FakeEngine('ssh://two')].map(unrouted);
    const results = await buildMatrix(CELLS, {}, { jobs: 5, engines }, testJob({ signal: signal() }));
    expect(results.map((r) => r.engine)).toEqual([
      'tcp://one:2375',
      'ssh://two',
      'tcp://one:2375',
      'ssh://two',
      'tcp://one:2375',
    ]);
    expect(results.map((r) => used.get(`${r.recipe}/${r.runtime}/${r.arch}`))).toEqual(
      results.map((r) => r.engine),
    );
  });

  it('routes each cell to an engine of its arch, and names the engine and any emulation', async () => {
    const used = new Map<string, string>();
    fakeBuild.impl = async (options, io) => {
      used.set(`${options.recipe}/${options.runtime}/${options.arch}`, (await io.engine()).endpoint);
      return built(options);
    };
    const graviton = new FakeEngine('ssh://graviton');
    const local = new FakeEngine('unix:///var/run/docker.sock');
    const engines: MatrixEngine[] = [
      { engine: local, label: 'x86_64=unix:///var/run/docker.sock', arch: 'x86_64' },
      { engine: graviton, label: 'ssh://graviton', arch: 'arm64' },
    ];
    const recorded = recordEvents();
    const results = await buildMatrix(
      CELLS,
      {},
      { jobs: 5, engines },
      testJob({ sink: recorded.sink, signal: signal() }),
    );
    expect(results.map((r) => [r.arch, r.engine, r.engineArch, r.emulated])).toEqual([
      ['x86_64', 'x86_64=unix:///var/run/docker.sock', 'x86_64', false],
      ['arm64', 'ssh://graviton', 'arm64', false],
      ['x86_64', 'x86_64=unix:///var/run/docker.sock', 'x86_64', false],
      ['x86_64', 'x86_64=unix:///var/run/docker.sock', 'x86_64', false],
      ['arm64', 'ssh://graviton', 'arm64', false],
    ]);
    expect(results.map((r) => used.get(`${r.recipe}/${r.runtime}/${r.arch}`))).toEqual(
      results.map((r) => (r.arch === 'arm64' ? 'ssh://graviton' : 'unix:///var/run/docker.sock')),
    );

    // Without an arm64 engine, the arm64 cells fall back to the x86_64 one, under QEMU, and say so.
    const fallback = recordEvents();
    const emulated = await buildMatrix(
      CELLS,
      {},
      { jobs: 5, engines: engines.slice(0, 1) },
      testJob({ sink: fallback.sink, signal: signal() }),
    );
    expect(emulated.filter((r) => r.emulated).map((r) => r.arch)).toEqual(['arm64', 'arm64']);
    expect(fallback.events).toContainEqual({
      type: 'matrix.cell.start',
      cell: 'c@0.1.0/provided.al2023/arm64',
      engine: 'x86_64=unix:///var/run/docker.sock',
      emulated: true,
    });
  });

  it('records a failed cell and keeps building the others', async () => {
    fakeBuild.impl = async (options) => {
      if (options.runtime === 'provided.al2') throw new JobFailedError('the build script exited with code 2');
      return built(options);
    };
    const recorded = recordEvents();
    const results = await buildMatrix(
      CELLS,
      {},
      { jobs: 2, engines: [unrouted(new FakeEngine())] },
      testJob({ sink: recorded.sink, signal: signal() }),
    );
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'ok']);
    expect(results[3]).toMatchObject({ error: 'the build script exited with code 2' });
    expect(results[3]?.zipPath).toBeUndefined();
    expect(recorded.events).toContainEqual(
      expect.objectContaining({
        type: 'matrix.cell.done',
        cell: 'b@2.0.0/provided.al2/x86_64',
        status: 'failed',
        error: 'the build script exited with code 2',
      }),
    );
  });

  it('marks an interrupted cell as interrupted, not failed', async () => {
    fakeBuild.impl = async (options) => {
      if (options.recipe === 'c@0.1.0') throw new InterruptedError();
      return built(options);
    };
    const results = await buildMatrix(
      CELLS,
      {},
      { jobs: 1, engines: [unrouted(new FakeEngine())] },
      testJob({ signal: signal() }),
    );
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'interrupted']);
  });

  it('starts no build once the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    fakeBuild.impl = async () => {
      throw new Error('no build may start after an abort');
    };
    const recorded = recordEvents();
    const results = await buildMatrix(
      CELLS,
      {},
      { jobs: 2, engines: [unrouted(new FakeEngine())] },
      testJob({ sink: recorded.sink, signal: controller.signal }),
    );
    expect(results.map((r) => r.status)).toEqual(Array(CELLS.length).fill('interrupted'));
    expect(recorded.events).toEqual([]);
  });

  it('forwards a cell’s warnings and failed steps, labelled, and drops its log lines', async () => {
    fakeBuild.impl = async (options, io) => {
      io.sink({ type: 'build.log', source: 'container', line: 'compiling…' });
      io.sink({ type: 'build.step.start', step: 'build' });
      io.sink({ type: 'warning', code: 'stand-in-base', message: 'building on debian12' });
      io.sink({ type: 'build.step.end', step: 'build', status: 'ok', ms: 5 });
      io.sink({ type: 'build.step.end', step: 'audit', status: 'failed', ms: 7 });
      return built(options);
    };
    const recorded = recordEvents();
    await buildMatrix(
      CELLS.slice(0, 1),
      {},
      { jobs: 1, engines: [unrouted(new FakeEngine())] },
      testJob({ sink: recorded.sink, signal: signal() }),
    );
    const label = 'a@1.0.0/python3.12/x86_64';
    expect(recorded.events.map((e) => ({ ...e, ...('ms' in e ? { ms: 0 } : {}) }))).toEqual([
      { type: 'matrix.cell.start', cell: label, engine: 'fake://engine' },
      { type: 'warning', code: 'stand-in-base', message: `${label}: building on debian12` },
      { type: 'build.step.end', step: 'audit', status: 'failed', ms: 0, detail: label },
      {
        type: 'matrix.cell.done',
        cell: label,
        status: 'ok',
        ms: 0,
        zipPath: '/dist/a@1.0.0-python3.12-x86_64.zip',
      },
    ]);
  });
});
