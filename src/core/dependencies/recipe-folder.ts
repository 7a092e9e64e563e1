import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { temporarySibling } from '../fs/atomic.js';
import { loadRecipe, RECIPE_FILE, type LoadedRecipe } from '../recipes/load.js';
import type { SynthesizedRecipe } from './synthesize.js';

/** Writes recipe.yaml and the copied files into `dir`: the same inputs give the same bytes. */
async function writeFiles(synth: SynthesizedRecipe, dir: string, header = ''): Promise<void> {
  await writeFile(join(dir, RECIPE_FILE), header + stringify(synth.recipe, { lineWidth: 0 }));
  for (const [rel, text] of Object.entries(synth.files).sort(([a], [b]) => a.localeCompare(b))) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
}

/**
 * The synthesized recipe as a real folder in a private temporary place, validated like any
 * recipe: the build mounts it at /recipe and its digest is the cache key, so the same lock file
 * gives the same key. The caller removes it with `remove` when the build is over.
 */
export async function temporaryRecipeFolder(
  synth: SynthesizedRecipe,
): Promise<{ loaded: LoadedRecipe; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'layerforge-deps-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFiles(synth, dir);
    return { loaded: await loadRecipe(dir), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * `init --from`: writes `<parent>/<name>/` whole or not at all (built under a temporary name and
 * renamed), refusing an existing folder. Returns the new folder.
 */
export async function writeRecipeFolder(
  synth: SynthesizedRecipe,
  parent: string,
  header = '',
): Promise<string> {
  const dir = join(parent, synth.recipe.name);
  if (existsSync(dir))
    throw new UserError(`${dir} already exists`, { hint: 'give another --name, or remove the folder first' });
  await mkdir(parent, { recursive: true });
  const staging = temporarySibling(dir);
  try {
    await mkdir(staging);
    await writeFiles(synth, staging, header);
    await loadRecipe(staging);
    if (existsSync(dir))
      throw new UserError(`${dir} already exists`, {
        hint: 'give another --name, or remove the folder first',
      });
    await rename(staging, dir);
    return dir;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
