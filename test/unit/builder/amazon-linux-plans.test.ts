// Issue 13: every bundled recipe's Amazon Linux build, replayed against AWS's official images as
// data/lambda-images.yaml models them (none can be pulled here). Each build runs the real
// buildLayer on the default `lambda` base with a fake engine whose images have the modelled
// shape: per-arch tags, microdnf in sam/build-provided.al2023, no find or xargs on AL2023,
// the runtime's own libraries in /var/lang/lib. A container that would start a tool its image lacks exits 127,
// so such a plan fails here as it would on AWS's image. The plans, pulls and containers are
// written to __snapshots__/amazon-linux-plans.md for people to read.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { imageShape, lambdaImages } from '../../../src/core/base-images/lambda-images.js';
import { loadBaseImage } from '../../../src/core/base-images/definition.js';
import { resolveBase } from '../../../src/core/base-images/resolve.js';
import { buildLayer } from '../../../src/core/builder/build-layer.js';
import { runSmokeTests } from '../../../src/core/builder/smoke-test.js';
import { JobFailedError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { findRecipeFolders } from '../../../src/core/recipes/catalog.js';
import { loadRecipe, type LoadedRecipe } from '../../../src/core/recipes/load.js';
import type { RecipeOsId } from '../../../src/core/recipes/schema.js';
import { bundledRecipesDir } from '../../../src/core/paths.js';
import { getRuntime, type Architecture, type LambdaRuntime } from '../../../src/core/runtimes/catalog.js';
import type * as Sources from '../../../src/core/builder/sources.js';
import { OfficialImagesEngine } from '../../support/official-images-engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { describeReplay, purpose } from './amazon-linux-record.js';
import { testJob } from '../../support/job-context.js';

// Sources downloaded by URL are sha256-checked and cannot be faked; the plan does not depend on
// their bytes. They are left out of the staging (and named in the record); files in the recipe
// folder are still staged and checked as in any build.
const notFetched = vi.hoisted(() => new Map<string, string[]>());
vi.mock('../../../src/core/builder/sources.js', async (importOriginal) => {
  const real = await importOriginal<typeof Sources>();
  return {
    ...real,
    stageSources: (
      loaded: LoadedRecipe,
      stagingDir: string,
      options: Parameters<typeof real.stageSources>[2],
    ): Promise<void> => {
      const sources = loaded.recipe.install.sources ?? [];
      const forOs = sources.filter((s) => !s.os || s.os.some((os) => os === options.os));
      notFetched.set(
        loaded.recipe.name,
        forOs.filter((s) => s.url).map((s) => `${real.sourceFilename(s)} (sha256 ${s.sha256.slice(0, 12)}…)`),
      );
      const install = { ...loaded.recipe.install, sources: sources.filter((s) => !s.url) };
      return real.stageSources({ ...loaded, recipe: { ...loaded.recipe, install } }, stagingDir, options);
    },
  };
});

/**
 * What a real image would do that the replay cannot see (it reads scripts, it does not run
 * them), keyed `recipe/os`. Each is checked against the recipe's script, so the note cannot
 * outlive the code it describes.
 */
const KNOWN_STOPS: Record<string, { script: string; says: RegExp; note: string }> = {
  'imagemagick/al2': {
    script: 'build.sh',
    says: /if \[ ! -e "\$coders\/webp\.so" \]; then[^]*has no WebP coder[^]*exit 3/,
    note: "stops on purpose in build.sh (exit 3): AL2's ImageMagick 6.9.10 has no WebP coder, which the layer promises",
  },
};

/** Refusals the replay expects, keyed `recipe/os`: none today; a new one must be explained here. */
const EXPECTED_REFUSALS: Record<string, RegExp> = {};

const NOW = new Date('2026-12-01T00:00:00Z');

interface ReplayCase {
  loaded: LoadedRecipe;
  runtime: LambdaRuntime;
  arch: Architecture;
  buildShape: string;
}

/**
 * Per recipe, the first runtime it lists on each build image shape (AL2; AL2023 with microdnf,
 * sam/build-provided.al2023; AL2023 with dnf, the language build images): the first runtime on
 * each Amazon Linux, plus the other AL2023 package manager where the recipe meets it. Every arch.
 */
async function replayCases(): Promise<ReplayCase[]> {
  const folders = (await findRecipeFolders([])).filter((f) => f.dir.startsWith(bundledRecipesDir));
  const cases: ReplayCase[] = [];
  for (const folder of folders) {
    const loaded = await loadRecipe(folder.dir);
    const seen = new Set<string>();
    const picked: { runtime: LambdaRuntime; buildShape: string }[] = [];
    for (const id of loaded.recipe.runtimes) {
      const runtime = getRuntime(id);
      const buildShape = imageShape('build', runtime).id;
      if (seen.has(buildShape)) continue;
      seen.add(buildShape);
      picked.push({ runtime, buildShape });
    }
    // In the model's order of shapes, not the recipe's order of runtimes: a stable record.
    const order = lambdaImages().shapes.map((s) => s.id);
    picked.sort((a, b) => order.indexOf(a.buildShape) - order.indexOf(b.buildShape));
    for (const { runtime, buildShape } of picked)
      for (const arch of loaded.recipe.architectures) cases.push({ loaded, runtime, arch, buildShape });
  }
  return cases;
}

const CASES = await replayCases();
const records = new Map<string, string>();

const PLATFORM = { x86_64: 'linux/amd64', arm64: 'linux/arm64' } as const;

/** AWS's per-arch names as SAM CLI builds them, written out here rather than read from the model. */
function expectedTags(runtime: LambdaRuntime, arch: Architecture) {
  return {
    build: `public.ecr.aws/sam/build-${runtime.id}:latest-${arch}`,
    runtime: `${runtime.runtimeImage}-${arch}`,
  };
}

/** The package manager a plan must call: microdnf in sam/build-provided.al2023, dnf in the other AL2023 build images, yum on AL2. */
function expectedPackageManager(runtime: LambdaRuntime): string {
  if (runtime.id === 'provided.al2023') return 'microdnf';
  return runtime.os.id === 'al2023' ? 'dnf' : 'yum';
}

/**
 * A stand-in for what the build container leaves in /opt, so extract, prune, audit and zip run
 * as after a real build: a Python module where pip would put one (the bytecode step then runs in
 * the build image), else a shared object (an ELF header of the build's arch: strip then runs
 * in the build image).
 */
function layerFiles(loaded: LoadedRecipe, arch: Architecture): Record<string, string | Buffer> {
  if (loaded.recipe.install.python) return { 'python/layerforge_replay.py': 'REPLAYED = True\n' };
  return { 'lib/libreplay.so': elfHeader(arch) };
}

/** The 64-byte header of an ELF64 little-endian shared object with no sections. */
function elfHeader(arch: Architecture): Buffer {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  header.writeUInt16LE(3, 16); // ET_DYN
  header.writeUInt16LE(arch === 'x86_64' ? 62 : 183, 18); // EM_X86_64, EM_AARCH64
  header.writeUInt32LE(1, 20);
  header.writeUInt16LE(64, 52); // e_ehsize
  header.writeUInt16LE(56, 54); // e_phentsize
  header.writeUInt16LE(64, 58); // e_shentsize
  return header;
}

describe.each(CASES)('$loaded.recipe.name on $runtime.id $arch', ({ loaded, runtime, arch, buildShape }) => {
  const name = loaded.recipe.name;
  const os = runtime.os.id;
  const key = `${name}/${os}`;

  it('pulls the per-arch images, reads the runtime image without running it, and runs only what the images have', async () => {
    const engine = new OfficialImagesEngine();
    engine.optFiles = layerFiles(loaded, arch);
    const dir = await tempDir(`layerforge-al-plans-${name}-${runtime.id}-${arch}-`);
    const { sink } = recordEvents();
    const built = await buildLayer(
      {
        recipe: name,
        runtime: runtime.id,
        arch,
        base: 'lambda',
        outDir: join(dir, 'dist'),
        now: NOW,
      },
      testJob({ cwd: dir, env: { LAYERFORGE_CACHE_DIR: join(dir, 'cache') }, sink, engine }),
    ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    const outcome = built instanceof Error ? `failed: ${built.message}` : 'built';

    const tags = expectedTags(runtime, arch);
    const platform = PLATFORM[arch];
    expect(engine.pulls).toEqual([
      { reference: tags.build, platform },
      { reference: tags.runtime, platform },
    ]);
    expect(engine.official.get(tags.build)?.shape.id).toBe(buildShape);

    // The runtime image's libraries come through the archive API: created, never started.
    expect(engine.created.map((c) => [c.image, purpose(c)])).toEqual([[tags.runtime, 'runtime-libraries']]);
    expect(engine.copies).toContain('/var/lang/lib/.');
    expect(engine.runs.filter((r) => r.image !== tags.build)).toEqual([]);
    expect(engine.runs.every((r) => r.platform === platform)).toBe(true);
    const builds = engine.runs.filter((r) => purpose(r) === 'build');
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({ image: tags.build, platform, entrypoint: ['/bin/sh'] });

    const expectedRefusal = EXPECTED_REFUSALS[key];
    if (expectedRefusal) {
      expect(engine.refusals.map((r) => r.line).join('\n')).toMatch(expectedRefusal);
    } else {
      expect(engine.refusals).toEqual([]);
      expect(outcome).toBe('built');
    }

    const plan = engine.replayed.find((r) => purpose(r.spec) === 'build')?.scripts[0];
    expect(plan?.path).toBe('/layerforge/plan.sh');
    const packages = loaded.recipe.install.packages?.[os as RecipeOsId];
    if (packages) {
      const manager = expectedPackageManager(runtime);
      expect(plan?.text).toContain(`\n${manager} install -y ${packages.map((p) => `'${p}'`).join(' ')}\n`);
    }

    const stop = KNOWN_STOPS[key];
    if (stop) {
      expect(await readFile(join(loaded.dir, stop.script), 'utf8')).toMatch(stop.says);
    }

    // `--test` runs the recipe's smoke tests in the runtime image: they, too, may use only what
    // it has. Their output is not checked: nothing really runs here.
    if (!(built instanceof Error)) {
      const before = engine.runs.length;
      const base = await resolveBase(await loadBaseImage('lambda'), runtime, arch);
      await runSmokeTests(built.zipPath, loaded.recipe, runtime, base, engine, testJob({ sink }));
      expect(engine.runs.slice(before).map((r) => [purpose(r), r.image, r.platform])).toEqual(
        loaded.recipe.tests.map(() => ['smoke-test', tags.runtime, platform]),
      );
      expect(engine.refusals).toEqual([]);
    }
    const notes = [
      `outcome in the replay: ${outcome}`,
      ...(notFetched.get(name)?.length
        ? [`sources not fetched in the replay: ${notFetched.get(name)?.join(', ')}`]
        : []),
      ...(stop ? [`on a real image: ${stop.note}`] : []),
    ];
    records.set(
      `${name} ${runtime.id} ${arch}`,
      describeReplay({ name, runtime, arch, buildShape, notes }, engine),
    );
  });
});

describe('the replay itself', () => {
  // A recipe that runs find without installing findutils: if this built on AL2023, the replay
  // would prove nothing about the recipes above.
  const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'recipes-official');

  async function replay(recipe: string, runtime: string, opt: Record<string, Buffer>) {
    const engine = new OfficialImagesEngine();
    engine.optFiles = opt;
    const dir = await tempDir(`layerforge-al-plans-${recipe}-${runtime}-`);
    const { sink, events } = recordEvents();
    const result = buildLayer(
      {
        recipe,
        recipeDirs: [fixtures],
        runtime,
        arch: 'x86_64',
        outDir: join(dir, 'dist'),
        now: NOW,
      },
      testJob({ cwd: dir, env: { LAYERFORGE_CACHE_DIR: join(dir, 'cache') }, sink, engine }),
    );
    return { engine, result, events };
  }
  const needsFind = (runtime: string) =>
    replay('needs-find', runtime, { 'lib/libreplay.so': elfHeader('x86_64') });

  it('fails a build on AL2023 whose script runs find, with the line the image would print', async () => {
    const { engine, result } = await needsFind('provided.al2023');
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toMatch(/failed in the container \(exit code 127\)/);
    expect((error as JobFailedError).details?.join('\n')).toContain('/recipe/build.sh: 4: find: not found');
    expect(engine.refusals).toEqual([
      {
        image: 'public.ecr.aws/sam/build-provided.al2023:latest-x86_64',
        purpose: 'build',
        line: '/recipe/build.sh: 4: find: not found',
      },
    ]);
  });

  it('builds the same recipe on AL2, whose build images have findutils', async () => {
    const { engine, result } = await needsFind('provided.al2');
    await expect(result).resolves.toMatchObject({ cached: false });
    expect(engine.refusals).toEqual([]);
  });

  it('warns when a layer for a nodejs runtime bundles the OpenSSL the image keeps in /var/lang/lib', async () => {
    // ssl-linked copies the OS's libssl.so.3 into the layer; Node's own copy comes first on
    // LD_LIBRARY_PATH, which only a runtime image with /var/lang/lib read shows.
    const { engine, result, events } = await replay('ssl-linked', 'nodejs22.x', {
      'lib/libssl.so.3': elfHeader('x86_64'),
      'lib/libcrypto.so.3': elfHeader('x86_64'),
    });
    await expect(result).resolves.toMatchObject({ cached: false });
    expect(engine.pulls.map((p) => p.reference)).toEqual([
      'public.ecr.aws/sam/build-nodejs22.x:latest-x86_64',
      'public.ecr.aws/lambda/nodejs:22-x86_64',
    ]);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [`${e.code}: ${e.message}`] : []));
    expect(warnings.join('\n')).toMatch(
      /shadowed-library: the layer bundles lib\/libcrypto\.so\.3, lib\/libssl\.so\.3, but nodejs22\.x keeps its own copies in \/var\/lang\/lib/,
    );
  });
});

describe('the record', () => {
  it('shows every plan in __snapshots__/amazon-linux-plans.md', async () => {
    expect([...records.keys()]).toEqual(
      CASES.map((c) => `${c.loaded.recipe.name} ${c.runtime.id} ${c.arch}`),
    );
    const text = [
      '# Amazon Linux plans, replayed',
      '',
      'Written by test/unit/builder/amazon-linux-plans.test.ts (`vitest run -u` rewrites it). Every',
      "bundled recipe's build on AWS's official images as data/lambda-images.yaml models them: per",
      'recipe, its first runtime on each build image shape, for every arch it lists. The builds ran',
      "layerforge's real code with a fake engine; nothing was pulled or run.",
      '',
      ...records.values(),
    ].join('\n');
    await expect(text).toMatchFileSnapshot('./__snapshots__/amazon-linux-plans.md');
  });
});
