import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseYamlFile } from './recipes/load.js';

export const CONFIG_FILE = 'layerforge.config.yaml';

/** Project settings, from layerforge.config.yaml in the working directory. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Extra recipe folders, searched before the bundled ones (paths relative to the config file). */
  recipeDirs: z.array(z.string().min(1)).default([]),
  /** The base image pair to build on unless --base is given. */
  base: z.string().min(1).optional(),
  /** Where zips and manifests go; default `dist`. */
  outDir: z.string().min(1).optional(),
  /** MB of the 250 MB already used by the function and its other layers. */
  reserveMB: z.number().nonnegative().optional(),
});
export type LayerforgeConfig = z.infer<typeof configSchema>;

/** Reads the config file if there is one; a malformed one is a positioned error (exit 2). */
export async function loadConfig(cwd: string): Promise<LayerforgeConfig & { recipeDirs: string[] }> {
  const file = join(cwd, CONFIG_FILE);
  if (!existsSync(file)) return { recipeDirs: [] };
  const { value } = await parseYamlFile(file, configSchema, CONFIG_FILE);
  return { ...value, recipeDirs: value.recipeDirs.map((d) => resolve(cwd, d)) };
}

/** User recipe folders, first match wins: --recipes flags, then $LAYERFORGE_RECIPES, then the config file. */
export function userRecipeDirs(
  flagDirs: string[],
  config: { recipeDirs: string[] },
  env: NodeJS.ProcessEnv,
  cwd: string,
): string[] {
  const fromEnv = (env.LAYERFORGE_RECIPES ?? '').split(delimiter).filter((d) => d.length > 0);
  return [...flagDirs, ...fromEnv].map((d) => resolve(cwd, d)).concat(config.recipeDirs);
}
