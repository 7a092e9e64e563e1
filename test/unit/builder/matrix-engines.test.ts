import { describe, expect, it } from 'vitest';
import { matrixEngines, placeCells, type MatrixEngine } from '../../../src/core/builder/matrix-engines.js';
import { parseEngineSpec } from '../../../src/core/engine/engine-spec.js';
import { JobFailedError, UserError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { testJob } from '../../support/job-context.js';

/** A job whose engine(host) is the fake at that host, each reporting `/info`'s Architecture. */
function jobWith(engines: Record<string, FakeEngine>, sink = recordEvents().sink) {
  return {
    ...testJob({ sink }),
    engine: (host?: string) => {
      const engine = engines[host ?? 'default'];
      return engine ? Promise.resolve(engine) : Promise.reject(new Error(`no fake at ${host ?? 'default'}`));
    },
  };
}

function fake(endpoint: string, infoArchitecture: string): FakeEngine {
  const engine = new FakeEngine(endpoint);
  engine.infoArchitecture = infoArchitecture;
  return engine;
}

function thrown(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('it did not throw');
}

describe('--docker-host values', () => {
  it('reads arch=url and a plain url', () => {
    expect(parseEngineSpec('arm64=ssh://graviton')).toEqual({
      label: 'arm64=ssh://graviton',
      host: 'ssh://graviton',
      arch: 'arm64',
    });
    expect(parseEngineSpec('x86_64=unix:///var/run/docker.sock')).toMatchObject({
      host: 'unix:///var/run/docker.sock',
      arch: 'x86_64',
    });
    expect(parseEngineSpec('tcp://10.0.0.1:2375')).toEqual({
      label: 'tcp://10.0.0.1:2375',
      host: 'tcp://10.0.0.1:2375',
    });
    expect(parseEngineSpec('/var/run/docker.sock').arch).toBeUndefined();
  });

  it('refuses an unknown arch or an empty url with exit 2 and a hint', () => {
    for (const value of ['ppc64le=unix:///s', '=unix:///s', 'aarch64=ssh://graviton']) {
      const error = thrown(() => parseEngineSpec(value));
      expect(error.exitCode, value).toBe(2);
      expect(error.message).toContain('which Lambda does not have');
      expect(error.hint).toMatch(/x86_64 and arm64.*arm64=ssh:\/\/graviton/);
    }
    const empty = thrown(() => parseEngineSpec('arm64= '));
    expect(empty.exitCode).toBe(2);
    expect(empty.message).toBe('--docker-host "arm64= " declares arm64 but gives no engine URL');
    expect(empty.hint).toContain('arm64=ssh://graviton');
  });
});

describe('matrixEngines', () => {
  it("reads a plain url's arch from the engine's /info (x86_64, aarch64)", async () => {
    const engines = {
      'ssh://graviton': fake('ssh://graviton', 'aarch64'),
      'tcp://x:2375': fake('tcp://x:2375', 'x86_64'),
    };
    const got = await matrixEngines(['ssh://graviton', 'tcp://x:2375'], jobWith(engines));
    expect(got.map((e) => [e.label, e.arch])).toEqual([
      ['ssh://graviton', 'arm64'],
      ['tcp://x:2375', 'x86_64'],
    ]);
    expect(engines['ssh://graviton'].infoCalls).toBe(1);
  });

  it('trusts a declared arch that /info contradicts, and warns', async () => {
    const local = fake('unix:///var/run/docker.sock', 'x86_64');
    const recorded = recordEvents();
    const got = await matrixEngines(
      ['arm64=unix:///var/run/docker.sock', 'x86_64=unix:///var/run/docker.sock'],
      jobWith({ 'unix:///var/run/docker.sock': local }, recorded.sink),
    );
    expect(got.map((e) => [e.label, e.arch])).toEqual([
      ['arm64=unix:///var/run/docker.sock', 'arm64'],
      ['x86_64=unix:///var/run/docker.sock', 'x86_64'],
    ]);
    expect(recorded.events).toEqual([
      expect.objectContaining({
        type: 'warning',
        code: 'engine.arch-declared',
        message: expect.stringContaining('the engine reports x86_64, not arm64; trusting the declaration'),
      }),
    ]);
  });

  it('a declared engine that does not answer is not checked; a plain one fails the job (exit 1)', async () => {
    const down = fake('ssh://down', 'aarch64');
    down.unreachable = true;
    const declared = await matrixEngines(['arm64=ssh://down'], jobWith({ 'ssh://down': down }));
    expect(declared.map((e) => e.arch)).toEqual(['arm64']);
    const error = await matrixEngines(['ssh://down'], jobWith({ 'ssh://down': down })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toBe(
      'cannot read the architecture of the Docker engine ssh://down',
    );
    expect((error as JobFailedError).hint).toContain('--docker-host arm64=ssh://down');
  });

  it('refuses an engine on an architecture Lambda does not have', async () => {
    const odd = fake('ssh://odd', 's390x');
    await expect(matrixEngines(['ssh://odd'], jobWith({ 'ssh://odd': odd }))).rejects.toThrow(
      'the Docker engine ssh://odd runs on s390x, which Lambda does not have',
    );
  });

  it('without hosts, the default engine with its arch, or unknown when /info fails', async () => {
    const local = fake('unix:///var/run/docker.sock', 'x86_64');
    expect((await matrixEngines([], jobWith({ default: local })))[0]).toMatchObject({
      label: 'unix:///var/run/docker.sock',
      arch: 'x86_64',
    });
    local.unreachable = true;
    expect((await matrixEngines([], jobWith({ default: local })))[0]?.arch).toBeUndefined();
  });
});

describe('placeCells', () => {
  const engine = (label: string, arch: MatrixEngine['arch']): MatrixEngine => ({
    engine: new FakeEngine(label),
    label,
    arch,
  });
  const cells = (...archs: ('x86_64' | 'arm64')[]) => archs.map((arch) => ({ arch }));
  const placed = (list: { arch: 'x86_64' | 'arm64' }[], engines: MatrixEngine[]) =>
    placeCells(list, engines).map((p) => `${p.engine.label}${p.emulated ? ' (QEMU)' : ''}`);

  it('sends each cell to an engine of its arch, round-robin among them', () => {
    const engines = [
      engine('x1', 'x86_64'),
      engine('a1', 'arm64'),
      engine('x2', 'x86_64'),
      engine('a2', 'arm64'),
    ];
    expect(placed(cells('arm64', 'x86_64', 'arm64', 'x86_64', 'arm64', 'x86_64'), engines)).toEqual([
      'a1',
      'x1',
      'a2',
      'x2',
      'a1',
      'x1',
    ]);
  });

  it('runs a cell under QEMU only when no engine of its arch was given, and says so', () => {
    expect(
      placed(cells('arm64', 'x86_64', 'arm64'), [engine('x1', 'x86_64'), engine('x2', 'x86_64')]),
    ).toEqual(['x1 (QEMU)', 'x1', 'x2 (QEMU)']);
  });

  it('engines of unknown arch take the cells no known engine matches, without claiming emulation', () => {
    expect(
      placed(cells('arm64', 'x86_64', 'arm64'), [engine('x1', 'x86_64'), engine('?', undefined)]),
    ).toEqual(['?', 'x1', '?']);
  });
});
