// The native-tool recipes of issue 16 (ffmpeg, tesseract, ghostscript, poppler-utils, git), each
// built for provided.al2023 x86_64 on the debian12 stand-in and smoke-tested as Lambda runs a
// function (`layerforge test`: read-only /opt, no HOME, /tmp writable, user 993). The default
// build cache is used on purpose, as in flagship-recipes.test.ts: a warm cache makes each a cache
// hit plus the smoke tests. Every smoke test must run and pass; a failed build is a failure.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledRecipesDir } from '../../src/core/paths.js';
import { loadRecipe } from '../../src/core/recipes/load.js';
import { requireDocker } from '../support/docker.js';
import { testBundledRecipe, type BundledRecipeCheck } from '../support/bundled-recipe-check.js';
import { sharedTempDir } from '../support/temp-dir.js';

/** The artifact's name follows from the recipe's version. */
type ToolRecipe = Omit<BundledRecipeCheck, 'artifact'>;

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
      expect(recipe.runtimes[0]).toBe('provided.al2023');
      await testBundledRecipe(
        { ...tool, artifact: `${tool.name}-${recipe.version}-provided.al2023-x86_64` },
        work,
      );
    }, 1_800_000);
  }
});
