import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root. Both src/core (tests) and dist/core (built) sit two levels
 * below it, so the same relative URL works in both.
 */
export const packageRoot: string = fileURLToPath(new URL('../../', import.meta.url));

export const bundledRecipesDir: string = join(packageRoot, 'recipes');
export const bundledBaseImagesDir: string = join(packageRoot, 'base-images');
export const dataDir: string = join(packageRoot, 'data');

/** ~/.cache/layerforge, or $LAYERFORGE_CACHE_DIR, or $XDG_CACHE_HOME/layerforge. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.LAYERFORGE_CACHE_DIR) return env.LAYERFORGE_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'layerforge');
}
