import { RECIPE_NAME } from '../recipes/names.js';

/** A recipe name made from a folder or project name: lowercase, dashes, at most 63 characters. */
export function recipeNameFrom(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return RECIPE_NAME.test(name) ? name : 'layer';
}
