import type { PickerRecipe } from '../picker-data.js';

/**
 * Recipes matching every word of the filter (case-insensitive) in their name, summary,
 * runtimes, architectures or packages. Name matches come first, so typing a name finds it on top.
 */
export function filterRecipes(recipes: PickerRecipe[], filter: string): PickerRecipe[] {
  const words = filter
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return recipes;
  const matches = recipes.filter((r) => {
    const haystack = [
      r.name,
      r.summary,
      ...r.runtimes,
      ...r.architectures,
      ...r.python,
      ...Object.values(r.packages).flat(),
    ]
      .join(' ')
      .toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
  const byName = (r: PickerRecipe) => (words.every((w) => r.name.includes(w)) ? 0 : 1);
  // Array.prototype.sort is stable: within each group the catalog's order stays.
  return matches.sort((a, b) => byName(a) - byName(b));
}

/** The slice of `count` rows to show so that `selected` stays visible, roughly centred. */
export function visibleWindow(
  total: number,
  selected: number,
  count: number,
): { start: number; end: number } {
  if (total <= count) return { start: 0, end: total };
  const start = Math.min(Math.max(0, selected - Math.floor(count / 2)), total - count);
  return { start, end: start + count };
}
