import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { LayerManifest } from './manifest-schema.js';

export type { LayerManifest } from './manifest-schema.js';

/** The manifest path for a zip path: `x.zip` → `x.manifest.json`. */
export function manifestPathFor(zipPath: string): string {
  return zipPath.replace(/\.zip$/i, '') + '.manifest.json';
}

export async function readManifest(path: string): Promise<LayerManifest> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UserError(`no manifest at ${path}`, {
      cause,
      hint: 'build the layer with `layerforge build` first',
    });
  }
  // The schema, and zod with it, loads only here: most commands that name a manifest never parse one.
  const { manifestSchema } = await import('./manifest-schema.js');
  const parsed = manifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new UserError(
      `${path} is not a layerforge manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      {
        hint: 'rebuild the layer to regenerate its manifest',
      },
    );
  }
  return parsed.data;
}
