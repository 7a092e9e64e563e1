import { describe, expect, it } from 'vitest';
import { ensureBaseImages } from '../../../src/core/base-images/ensure.js';
import { ensureRegistryImage } from '../../../src/core/base-images/image-presence.js';
import { loadBaseImage } from '../../../src/core/base-images/definition.js';
import { resolveBase } from '../../../src/core/base-images/resolve.js';
import { JobFailedError, UserError } from '../../../src/core/errors.js';
import type { LayerforgeEvent } from '../../../src/core/events.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { testJob } from '../../support/job-context.js';

const PY312_ARM = 'public.ecr.aws/lambda/python:3.12-arm64';

function io(events: LayerforgeEvent[] = []) {
  return { ...testJob({ sink: (e) => void events.push(e) }), pullHint: 'use the stand-in' };
}

describe('ensureRegistryImage', () => {
  it('missing: pulls an absent image for the arch asked for, and records its id, digest and age', async () => {
    const engine = new FakeEngine();
    const record = await ensureRegistryImage(PY312_ARM, 'arm64', 'missing', engine, io());
    expect(engine.pulls).toEqual([{ reference: PY312_ARM, platform: 'linux/arm64' }]);
    expect(record).toMatchObject({ reference: PY312_ARM, arch: 'arm64', created: '2026-11-30T00:00:00Z' });
    expect(record.id).toBe(engine.images.get(PY312_ARM)?.id);
    expect(record.digest).toMatch(/^public\.ecr\.aws\/lambda\/python@sha256:[0-9a-f]{64}$/);
  });

  it('missing: a present image is used as it is, without a pull', async () => {
    const engine = new FakeEngine();
    engine.images.set(PY312_ARM, { id: 'sha256:present', architecture: 'arm64' });
    expect((await ensureRegistryImage(PY312_ARM, 'arm64', 'missing', engine, io())).id).toBe(
      'sha256:present',
    );
    expect(engine.pulls).toEqual([]);
  });

  it('always: pulls a present image again, so a moving tag is refreshed', async () => {
    const engine = new FakeEngine();
    engine.images.set(PY312_ARM, { id: 'sha256:last-week', architecture: 'arm64' });
    const record = await ensureRegistryImage(PY312_ARM, 'arm64', 'always', engine, io());
    expect(engine.pulls).toHaveLength(1);
    expect(record.id).not.toBe('sha256:last-week');
  });

  it('never: an absent image is a UserError, and nothing is pulled', async () => {
    const engine = new FakeEngine();
    const error = await ensureRegistryImage(PY312_ARM, 'arm64', 'never', engine, io()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `${PY312_ARM} is not in the Docker engine, and --pull never forbids pulling it`,
    );
    expect(engine.pulls).toEqual([]);
  });

  it('refuses an image of the other arch under the tag, naming both arches', async () => {
    const engine = new FakeEngine();
    engine.images.set(PY312_ARM, { id: 'sha256:wrong', architecture: 'amd64' });
    const error = await ensureRegistryImage(PY312_ARM, 'arm64', 'missing', engine, io()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toBe(
      `${PY312_ARM} is an image for x86_64 (amd64), but the build is for arm64 (arm64)`,
    );
    expect((error as JobFailedError).hint).toMatch(/--pull always/);
  });

  it('warns when a present image is older than 30 days, unless it was just pulled', async () => {
    const engine = new FakeEngine();
    engine.images.set(PY312_ARM, {
      id: 'sha256:old',
      architecture: 'arm64',
      created: '2020-01-01T00:00:00Z',
    });
    const events: LayerforgeEvent[] = [];
    await ensureRegistryImage(PY312_ARM, 'arm64', 'missing', engine, io(events));
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'stale-image' }));
  });

  it('a failed pull carries the hint', async () => {
    const engine = new FakeEngine();
    engine.pullImage = async () => {
      throw new Error('registry unreachable\nmore');
    };
    const error = (await ensureRegistryImage(PY312_ARM, 'arm64', 'missing', engine, io()).catch(
      (e: unknown) => e,
    )) as JobFailedError;
    expect(error.message).toBe(`cannot pull ${PY312_ARM}: registry unreachable`);
    expect(error.hint).toBe('use the stand-in');
  });
});

describe('ensureBaseImages on the official images', () => {
  it('a build for arm64 after one for x86_64 pulls and records the arm64 images', async () => {
    const lambda = await loadBaseImage('lambda');
    const engine = new FakeEngine();
    const sink = () => {};
    const x86 = await ensureBaseImages(
      await resolveBase(lambda, getRuntime('python3.12'), 'x86_64'),
      engine,
      testJob({ sink }),
    );
    const arm = await ensureBaseImages(
      await resolveBase(lambda, getRuntime('python3.12'), 'arm64'),
      engine,
      testJob({ sink }),
    );
    expect(engine.pulls).toEqual([
      { reference: 'public.ecr.aws/sam/build-python3.12:latest-x86_64', platform: 'linux/amd64' },
      { reference: 'public.ecr.aws/lambda/python:3.12-x86_64', platform: 'linux/amd64' },
      { reference: 'public.ecr.aws/sam/build-python3.12:latest-arm64', platform: 'linux/arm64' },
      { reference: PY312_ARM, platform: 'linux/arm64' },
    ]);
    expect([arm.build.arch, arm.runtime.arch]).toEqual(['arm64', 'arm64']);
    expect(arm.runtime.id).not.toBe(x86.runtime.id);
  });
});

describe('ensureBaseImages when both images are present (every cache hit)', () => {
  /** A base's two images present in a fake engine, under the Docker arches given. */
  async function present(name: string, runtime: string, arch: 'x86_64' | 'arm64', dockerArches: string[]) {
    const base = await resolveBase(await loadBaseImage(name), getRuntime(runtime), arch);
    const engine = new FakeEngine();
    engine.images.set(base.buildImage, { id: 'sha256:build', architecture: dockerArches[0] ?? '' });
    engine.images.set(base.runtimeImage, { id: 'sha256:runtime', architecture: dockerArches[1] ?? '' });
    return { base, engine, ensure: () => ensureBaseImages(base, engine, testJob({ sink: () => {} })) };
  }

  it.each([
    { kind: 'official', name: 'lambda', runtime: 'python3.12', arch: 'arm64', docker: 'arm64' },
    { kind: 'stand-in', name: 'debian12', runtime: 'python3.11', arch: 'x86_64', docker: 'amd64' },
  ] as const)('asks the engine about each $kind image once, and pulls or builds nothing', async (c) => {
    const { base, engine, ensure } = await present(c.name, c.runtime, c.arch, [c.docker, c.docker]);
    const records = await ensure();
    expect(engine.imageQuestions.sort()).toEqual([base.buildImage, base.runtimeImage].sort());
    expect([engine.pulls, engine.builds]).toEqual([[], []]);
    expect([records.build.id, records.runtime.id]).toEqual(['sha256:build', 'sha256:runtime']);
    expect([records.build.arch, records.runtime.arch]).toEqual([c.arch, c.arch]);
  });

  it('still refuses a present stand-in image of the other arch', async () => {
    const { ensure } = await present('debian12', 'python3.11', 'x86_64', ['arm64', 'amd64']);
    await expect(ensure()).rejects.toThrow(/is an image for arm64, but the build is for x86_64/);
  });
});
