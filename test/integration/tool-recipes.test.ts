// The native-tool recipes of issue 16 (ffmpeg, tesseract, ghostscript, poppler-utils, git), each
// built for provided.al2023 x86_64 on the debian12 stand-in and smoke-tested as Lambda runs a
// function (`layerforge test`: read-only /opt, no HOME, /tmp writable, user 993). The default
// build cache is used on purpose, as in flagship-recipes.test.ts: a warm cache makes each a cache
// hit plus the smoke tests. Every smoke test must run and pass; a failed build is a failure.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import type { LayerManifest } from '../../src/core/layer/manifest.js';
import { bundledRecipesDir } from '../../src/core/paths.js';
import { loadRecipe } from '../../src/core/recipes/load.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const MB = 1024 * 1024;

interface ToolRecipe {
  name: string;
  /** Paths the zip must hold, read back with Info-ZIP's zipinfo. */
  contains: RegExp[];
  lacks: RegExp[];
}

const tools: ToolRecipe[] = [
  {
    name: 'ffmpeg',
    contains: [
      /^bin\/ffmpeg$/m,
      /^bin\/ffprobe$/m,
      /^lib\/libavcodec\.so\.\d+$/m,
      /^lib\/libavformat\.so\.\d+$/m,
    ],
    lacks: [/^bin\/ffplay$/m],
  },
  {
    name: 'tesseract',
    contains: [
      /^bin\/tesseract$/m,
      /^lib\/tesseract\/tesseract$/m,
      /^lib\/tesseract\/tessdata\/eng\.traineddata$/m,
      /^lib\/tesseract\/tessdata\/configs\/pdf$/m,
      /^lib\/libtesseract\.so\.\d+$/m,
      /^lib\/liblept\.so\.\d+$/m,
    ],
    lacks: [/osd\.traineddata$/m],
  },
  {
    name: 'ghostscript',
    contains: [
      /^bin\/gs$/m,
      /^lib\/ghostscript\/gs$/m,
      /^lib\/ghostscript\/Resource\/Init\/gs_init\.ps$/m,
      /^lib\/ghostscript\/Resource\/Font\/NimbusSans-Regular$/m,
      /^lib\/libgs\.so\.\d+$/m,
    ],
    lacks: [],
  },
  {
    name: 'poppler-utils',
    contains: [/^bin\/pdftoppm$/m, /^bin\/pdftotext$/m, /^bin\/pdfinfo$/m, /^lib\/libpoppler\.so\.\d+$/m],
    lacks: [/^bin\/pdftocairo$/m],
  },
  {
    name: 'git',
    contains: [
      /^bin\/git$/m,
      /^lib\/git-core\/git$/m,
      /^lib\/git-core\/git-upload-pack$/m,
      /^lib\/git-core\/git-remote-https?$/m,
      /^lib\/git-core\/templates\/description$/m,
    ],
    // Perl helpers: no Lambda runtime image has Perl for them.
    lacks: [/^lib\/git-core\/git-svn$/m, /^lib\/git-core\/git-send-email$/m],
  },
];

const shared = sharedTempDir('layerforge-it-tools-');
let work: string;

beforeAll(() => {
  requireDocker();
  work = shared.path;
});

describe('the native-tool recipes on the debian12 stand-in', () => {
  for (const tool of tools) {
    it(`${tool.name}: builds, passes the audit and every smoke test, and stays within its budget`, async () => {
      const { recipe } = await loadRecipe(join(bundledRecipesDir, tool.name));
      const artifact = `${tool.name}-${recipe.version}-provided.al2023-x86_64`;
      expect(recipe.runtimes[0]).toBe('provided.al2023');
      const out = join(work, tool.name);
      const run = await runLayerforge(['test', tool.name, '--base', 'debian12', '--json', '--out', out], {
        cwd: work,
      });
      const results = run.events.filter(
        (e): e is Extract<LayerforgeEvent, { type: 'test.result' }> => e.type === 'test.result',
      );
      const failed = results.filter((r) => !r.ok).map((r) => `${r.command}\n${r.output}`);
      expect(failed, run.stderr).toEqual([]);
      expect(run.code, run.stderr).toBe(0);
      expect(recipe.tests.length).toBeGreaterThanOrEqual(3);
      expect(results.map((r) => r.command)).toEqual(recipe.tests.map((t) => t.run));

      const manifest = JSON.parse(
        await readFile(join(out, `${artifact}.manifest.json`), 'utf8'),
      ) as LayerManifest;
      const budget = recipe.budget?.unzippedMB;
      expect(budget).toBeDefined();
      expect(manifest.zip.unzippedBytes).toBeLessThanOrEqual((budget ?? 0) * MB);
      expect(manifest.zip.zippedBytes).toBeLessThan(manifest.zip.unzippedBytes);
      expect(manifest.audit).toMatchObject({ errors: 0 });

      const listing = execFileSync('zipinfo', ['-1', join(out, `${artifact}.zip`)], {
        encoding: 'utf8',
        maxBuffer: 64 * MB,
      });
      for (const path of tool.contains) expect(listing).toMatch(path);
      for (const path of tool.lacks) expect(listing).not.toMatch(path);
    }, 1_800_000);
  }
});
