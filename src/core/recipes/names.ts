// Apart from schema.ts, whose zod schema is built when the module loads: commands that never
// parse a recipe (a listing served from the bundle's precompiled table, a cache hit) need these
// names without paying for that.

/** OS ids a recipe can give packages and scripts for: the runtime OSes and the offline stand-in. */
export const RECIPE_OS_IDS = ['al2', 'al2023', 'debian12'] as const;
export type RecipeOsId = (typeof RECIPE_OS_IDS)[number];

/** Recipe names: what users type after `layerforge build`, and the default layer name. */
export const RECIPE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
