import type { Recipe } from '../recipes/schema.js';
import { BUILTIN_RULES, type BuiltinRule, type PruneProfile } from './rules.js';

export interface RuleSelection {
  rules: BuiltinRule[];
  /** Rules of the profile left out because the recipe has no smoke tests to check them. */
  untested: BuiltinRule[];
}

/**
 * The built-in rules a build applies: those of the profile (`max` includes `safe`), minus the
 * recipe's `prune.skip`, minus `build-bytecode` when layerforge compiles bytecode itself (that
 * step replaces the build's caches). Without smoke tests, only import-safe rules remain.
 */
export function selectRules(
  profile: PruneProfile,
  recipe: Recipe,
  options: { compilesBytecode: boolean },
): RuleSelection {
  if (profile === 'none') return { rules: [], untested: [] };
  const skip = new Set<string>(recipe.prune?.skip ?? []);
  const wanted = BUILTIN_RULES.filter(
    (rule: BuiltinRule) =>
      (profile === 'max' || rule.profile === 'safe') &&
      !skip.has(rule.id) &&
      !(options.compilesBytecode && rule.id === 'build-bytecode'),
  );
  // checkImports adds tests derived from the layer's metadata (builder/import-tests.ts).
  if (recipe.tests.length > 0 || recipe.checkImports) return { rules: wanted, untested: [] };
  return { rules: wanted.filter((r) => r.importSafe), untested: wanted.filter((r) => !r.importSafe) };
}
