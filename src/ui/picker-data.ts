import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listBaseImages } from '../core/base-images/definition.js';
import { manifestPathFor, readManifest, type LayerManifest } from '../core/layer/manifest.js';
import { listRecipes } from '../core/recipes/catalog.js';
import type { Architecture } from '../core/runtimes/catalog.js';

/** The last layer built from a recipe version, read from a manifest in the out folder. */
export interface LastBuild {
  zipPath: string;
  unzippedBytes: number;
  zippedBytes: number;
  runtime: string;
  arch: Architecture;
  base: string;
  /** ISO time from the manifest, or the manifest file's mtime. */
  builtAt: string;
}

/** What the picker shows of one recipe: plain data, so components never load anything. */
export interface PickerRecipe {
  name: string;
  version: string;
  summary: string;
  license: string;
  homepage: string;
  runtimes: string[];
  architectures: Architecture[];
  python: string[];
  /** OS packages per OS id (al2, al2023, debian12). */
  packages: Record<string, string[]>;
  /** Source downloads or tarballs: their URL or path. */
  sources: string[];
  tests: number;
  budgetMB: number | undefined;
  lastBuild: LastBuild | undefined;
}

export interface PickerBase {
  name: string;
  summary: string;
  standIn: boolean;
  architectures: Architecture[];
  /** Runtimes a stand-in can serve; undefined for the official images, which serve all. */
  runtimes: string[] | undefined;
}

export interface PickerData {
  recipes: PickerRecipe[];
  bases: PickerBase[];
  /** Recipe folders that failed validation: the picker says how many, `layerforge list` says why. */
  invalid: number;
}

/** Loads recipes, base images and last builds for the picker. */
export async function loadPickerData(options: {
  recipeDirs: string[];
  outDir: string;
  cwd: string;
  /** `--allow-local-sources`: recipes downloading from loopback are listed, not invalid. */
  allowLocalSources?: boolean;
}): Promise<PickerData> {
  const [{ recipes, invalid }, bases, builds] = await Promise.all([
    listRecipes(options.recipeDirs, options.cwd, { allowLocalSources: options.allowLocalSources }),
    listBaseImages(),
    lastBuilds(resolve(options.cwd, options.outDir)),
  ]);
  return {
    recipes: recipes.map(({ recipe }) => ({
      name: recipe.name,
      version: recipe.version,
      summary: recipe.summary,
      license: recipe.license,
      homepage: recipe.homepage,
      runtimes: recipe.runtimes,
      architectures: recipe.architectures,
      python: recipe.install.python?.requirements ?? [],
      packages: Object.fromEntries(
        Object.entries(recipe.install.packages ?? {}).map(([os, pkgs]) => [os, pkgs ?? []]),
      ),
      sources: (recipe.install.sources ?? []).map((s) => s.url ?? s.path ?? s.filename ?? '?'),
      tests: recipe.tests.length,
      budgetMB: recipe.budget?.unzippedMB,
      lastBuild: builds.get(`${recipe.name}@${recipe.version}`),
    })),
    bases: bases.map(({ definition }) => ({
      name: definition.name,
      summary: definition.summary,
      standIn: definition.standIn,
      architectures: definition.architectures,
      runtimes: 'runtimes' in definition ? definition.runtimes : undefined,
    })),
    invalid: invalid.length,
  };
}

/**
 * The newest manifest per `name@version` in the out folder. Manifests that do not parse (other
 * tools' files, older formats) are ignored: a missing size is better than a picker that fails.
 */
export async function lastBuilds(outDir: string): Promise<Map<string, LastBuild>> {
  const newest = new Map<string, LastBuild>();
  let names: string[];
  try {
    names = (await readdir(outDir)).filter((n) => n.endsWith('.manifest.json')).sort();
  } catch {
    return newest;
  }
  for (const name of names) {
    const path = join(outDir, name);
    let manifest: LayerManifest;
    let builtAt: string;
    try {
      manifest = await readManifest(path);
      builtAt = manifest.createdAt ?? (await stat(path)).mtime.toISOString();
    } catch {
      continue;
    }
    if (!manifest.recipe) continue;
    const key = `${manifest.recipe.name}@${manifest.recipe.version}`;
    const zipPath = join(outDir, manifest.zip.file);
    // The manifest path convention: only a manifest that sits beside its own zip counts.
    if (manifestPathFor(zipPath) !== path) continue;
    const previous = newest.get(key);
    if (previous && previous.builtAt >= builtAt) continue;
    newest.set(key, {
      zipPath,
      unzippedBytes: manifest.zip.unzippedBytes,
      zippedBytes: manifest.zip.zippedBytes,
      runtime: manifest.runtimes[0] ?? '?',
      arch: manifest.arch,
      base: manifest.base,
      builtAt,
    });
  }
  return newest;
}
