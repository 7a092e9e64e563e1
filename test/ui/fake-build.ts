import type { BuildLayer, BuildLayerOptions, BuildLayerResult } from '../../src/core/builder/types.js';
import { InterruptedError, type UserError } from '../../src/core/errors.js';
import type { EventSink } from '../../src/core/events.js';
import type { LayerManifest } from '../../src/core/layer/manifest.js';
import type { SizeReport } from '../../src/core/layer/size-types.js';
import type { PickerBase, PickerData, PickerRecipe } from '../../src/ui/picker-data.js';

export const ZIP_PATH = '/work/project/dist/hello-1.0.0-provided.al2023-x86_64.zip';
export const MANIFEST_PATH = '/work/project/dist/hello-1.0.0-provided.al2023-x86_64.manifest.json';

function recipe(overrides: Partial<PickerRecipe> & { name: string }): PickerRecipe {
  return {
    version: '1.0.0',
    summary: `${overrides.name} for Lambda`,
    license: 'MIT',
    homepage: 'https://example.org',
    runtimes: ['python3.12'],
    architectures: ['x86_64', 'arm64'],
    python: [],
    packages: {},
    sources: [],
    tests: 1,
    budgetMB: undefined,
    lastBuild: undefined,
    ...overrides,
  };
}

export const RECIPES: PickerRecipe[] = [
  recipe({
    name: 'hello',
    summary:
      'A small C program and its shared library, built from a source tarball; the smallest end-to-end layer.',
    runtimes: ['provided.al2023', 'provided.al2', 'python3.11', 'python3.12', 'nodejs20.x', 'nodejs22.x'],
    sources: ['hello-1.0.0.tar.gz'],
    budgetMB: 1,
    lastBuild: {
      zipPath: ZIP_PATH,
      unzippedBytes: 20_582,
      zippedBytes: 8_431,
      runtime: 'provided.al2023',
      arch: 'x86_64',
      base: 'debian12',
      builtAt: '2025-01-01T00:00:00.000Z',
    },
  }),
  recipe({
    name: 'pandas',
    version: '2.2.3',
    summary: 'pandas and numpy wheels for data work',
    runtimes: ['python3.12', 'python3.13'],
    python: ['pandas==2.2.3', 'numpy==2.1.3'],
    license: 'BSD-3-Clause',
    budgetMB: 150,
  }),
  recipe({
    name: 'libvips-tools',
    version: '8.15.1',
    summary: 'vips command line tools and libvips for image resizing',
    runtimes: ['provided.al2023'],
    architectures: ['arm64'],
    packages: { al2023: ['vips-tools'], debian12: ['libvips-tools'] },
    license: 'LGPL-2.1-or-later',
  }),
];

export const BASES: PickerBase[] = [
  {
    name: 'debian12',
    summary: 'Offline stand-in built from Debian 12 packages. Not Amazon Linux.',
    standIn: true,
    architectures: ['x86_64', 'arm64'],
    runtimes: ['python3.11', 'provided.al2', 'provided.al2023'],
  },
  {
    name: 'lambda',
    summary: "AWS's official Amazon Linux images; the default.",
    standIn: false,
    architectures: ['x86_64', 'arm64'],
    runtimes: undefined,
  },
];

export const DATA: PickerData = { recipes: RECIPES, bases: BASES, invalid: 0 };

const SIZE: SizeReport = {
  unzippedBytes: 20_582,
  zippedBytes: 8_431,
  fileCount: 3,
  reservedBytes: 0,
  totalUnzippedBytes: 20_582,
  limitBytes: 262_144_000,
  overLimit: false,
  needsS3: false,
  topDirectories: [{ path: 'lib', bytes: 16_000, files: 2 }],
  topPackages: [],
};

const MANIFEST: LayerManifest = {
  schemaVersion: 1,
  recipe: { name: 'hello', version: '1.0.0', license: 'MIT' },
  runtimes: ['provided.al2023'],
  arch: 'x86_64',
  base: 'debian12',
  zip: {
    file: 'hello-1.0.0-provided.al2023-x86_64.zip',
    sha256: 'a'.repeat(64),
    codeSha256: 'x',
    zippedBytes: 8_431,
    unzippedBytes: 20_582,
    fileCount: 3,
  },
  inputsDigest: 'd'.repeat(64),
  layerforgeVersion: '0.1.0',
  audit: { errors: 0, warnings: 1 },
};

export interface FakeBuild {
  buildLayer: BuildLayer;
  calls: { options: BuildLayerOptions; signal: AbortSignal }[];
  /** Lets a build held at its `build` step go on. */
  release(): void;
  /** With `slowCleanup`, an aborted build throws only once this is called. */
  finishCleanup(): void;
}

/**
 * A buildLayer that emits the event sequence of a real fresh build of hello on debian12 (as
 * the core's step() helper does: start, end with ms and detail; extract nested in build), 14 log lines from the
 * container, prune, audit with one warning, size, build.done. With `hold`, it waits in the
 * build step until released or aborted; aborted, it throws InterruptedError like the core
 * (with `slowCleanup`, only after finishCleanup(), as the core first removes its container).
 */
export function fakeBuild(
  options: { hold?: boolean; slowCleanup?: boolean; fail?: UserError } = {},
): FakeBuild {
  const calls: FakeBuild['calls'] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let finishCleanup = () => {};
  const cleanedUp = options.slowCleanup
    ? new Promise<void>((resolve) => (finishCleanup = resolve))
    : Promise.resolve();
  const buildLayer: BuildLayer = async (buildOptions, { sink, signal }) => {
    calls.push({ options: buildOptions, signal });
    const step = async (
      name: Parameters<typeof stepEvents>[1],
      run: () => Promise<void> = async () => {},
      detail?: string,
    ) => {
      await stepEvents(sink, name, run, detail);
    };
    await step(
      'resolve',
      async () => {},
      `hello@1.0.0 for ${buildOptions.runtime} ${buildOptions.arch} on ${buildOptions.base}`,
    );
    sink({
      type: 'warning',
      code: 'stand-in-base',
      message: 'building on the debian12 stand-in, not Amazon Linux',
    });
    await step('base-image', async () => {}, 'layerforge/debian12-build:cff8ad63-x86_64');
    sink({ type: 'build.cache', hit: false, key: 'f'.repeat(64) });
    await step('build', async () => {
      for (let i = 1; i <= 14; i++)
        sink({ type: 'build.log', line: `cc -O2 -o hello hello.c # line ${i}`, source: 'container' });
      if (options.hold) {
        await new Promise<void>((resolve, reject) => {
          // Like the core: on abort, stop and remove the container first, then throw.
          signal.addEventListener('abort', () => void cleanedUp.then(() => reject(new InterruptedError())));
          void released.then(resolve);
        });
      }
      if (options.fail) throw options.fail;
      // As in the core: /opt is copied out of the container inside the build step.
      await stepEvents(sink, 'extract', async () => {});
    });
    await step(
      'prune',
      async () => sink({ type: 'prune.rule', rule: 'share/man/**', bytesSaved: 4_096, reverted: false }),
      '1 rule(s)',
    );
    await step(
      'audit',
      async () => {
        sink({
          type: 'audit.finding',
          finding: {
            severity: 'warning',
            code: 'stand-in-base',
            file: 'bin/hello',
            reason: 'audited against Debian 12, not Amazon Linux',
            hint: 'build with --base lambda',
          },
        });
        sink({ type: 'audit.done', errors: 0, warnings: 1, filesChecked: 3, ms: 12 });
      },
      '0 error(s), 1 warning(s)',
    );
    await step('zip', async () => sink({ type: 'size.measured', report: SIZE }));
    sink({ type: 'build.done', zipPath: ZIP_PATH, manifestPath: MANIFEST_PATH, cached: false });
    const result: BuildLayerResult = {
      zipPath: ZIP_PATH,
      manifestPath: MANIFEST_PATH,
      manifest: MANIFEST,
      cached: false,
    };
    return result;
  };
  return { buildLayer, calls, release: () => release(), finishCleanup: () => finishCleanup() };
}

async function stepEvents(
  sink: EventSink,
  name: 'resolve' | 'base-image' | 'build' | 'extract' | 'prune' | 'audit' | 'zip',
  run: () => Promise<void>,
  detail?: string,
): Promise<void> {
  sink({ type: 'build.step.start', step: name });
  try {
    await run();
  } catch (error) {
    sink({ type: 'build.step.end', step: name, status: 'failed', ms: 3 });
    throw error;
  }
  sink({ type: 'build.step.end', step: name, status: 'ok', ms: 1_200, ...(detail ? { detail } : {}) });
}

/**
 * A buildLayer answering from the cache, as the core does: resolve and base-image run, the
 * other steps are skipped with "cache hit", no size.measured or audit events come, and the
 * returned manifest carries the sizes.
 */
export function fakeCachedBuild(from: { remote?: boolean } = {}): BuildLayer {
  const remote = from.remote ? { remote: true } : {};
  return async (buildOptions, { sink }) => {
    await stepEvents(
      sink,
      'resolve',
      async () => {},
      `hello@1.0.0 for ${buildOptions.runtime} ${buildOptions.arch} on ${buildOptions.base}`,
    );
    await stepEvents(sink, 'base-image', async () => {});
    sink({ type: 'build.cache', hit: true, key: 'f'.repeat(64), ...remote });
    const detail = from.remote ? 'remote hit' : 'cache hit';
    for (const step of ['build', 'extract', 'prune', 'audit', 'zip'] as const) {
      sink({ type: 'build.step.start', step });
      sink({ type: 'build.step.end', step, status: 'skipped', ms: 0, detail });
    }
    sink({ type: 'build.done', zipPath: ZIP_PATH, manifestPath: MANIFEST_PATH, cached: true, ...remote });
    return { zipPath: ZIP_PATH, manifestPath: MANIFEST_PATH, manifest: MANIFEST, cached: true, ...remote };
  };
}
