import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES, BUILTIN_RULE_IDS } from '../../../src/core/prune/rules.js';
import { selectRules } from '../../../src/core/prune/select.js';
import { recipeSchema, type RecipeInput } from '../../../src/core/recipes/schema.js';
import { pythonRecipe } from '../../support/python-recipe.js';

const recipe = (extra: Partial<RecipeInput> = {}) => pythonRecipe({ tests: [{ run: 'true' }], ...extra });
const ids = (rules: { id: string }[]) => rules.map((r) => r.id);

describe('selectRules', () => {
  it('none selects nothing; safe is a strict subset of max', () => {
    expect(selectRules('none', recipe(), { compilesBytecode: true })).toEqual({ rules: [], untested: [] });
    const safe = ids(selectRules('safe', recipe(), { compilesBytecode: false }).rules);
    const max = ids(selectRules('max', recipe(), { compilesBytecode: false }).rules);
    expect(safe).toEqual([
      'docs',
      'headers',
      'static-libraries',
      'build-metadata',
      'locales',
      'build-bytecode',
      'python-tests',
      'strip',
      'identical-files',
    ]);
    expect(max).toEqual(BUILTIN_RULE_IDS);
    expect(max.length).toBeGreaterThan(safe.length);
  });

  it("leaves the build's __pycache__ to the bytecode step when layerforge compiles", () => {
    expect(ids(selectRules('safe', recipe(), { compilesBytecode: true }).rules)).not.toContain(
      'build-bytecode',
    );
  });

  it("drops the recipe's skipped rules", () => {
    const skipped = recipe({ prune: { skip: ['strip', 'python-tests'] } });
    expect(ids(selectRules('max', skipped, { compilesBytecode: true }).rules)).not.toEqual(
      expect.arrayContaining(['strip']),
    );
    expect(ids(selectRules('max', skipped, { compilesBytecode: true }).rules)).not.toContain('python-tests');
  });

  it('without smoke tests keeps only rules that cannot break an import, and names the others', () => {
    const selection = selectRules('max', recipe({ tests: [] }), { compilesBytecode: true });
    expect(selection.rules.every((r) => r.importSafe)).toBe(true);
    expect(ids(selection.untested)).toEqual([
      'python-tests',
      'strip',
      'identical-files',
      'libtool-archives',
      'message-catalogs',
      'node-tests-and-docs',
    ]);
  });

  it('every rule says why it exists', () => {
    for (const rule of BUILTIN_RULES) expect(rule.why.length, rule.id).toBeGreaterThan(30);
  });
});

describe('recipe prune.skip', () => {
  it('accepts rule ids and rejects unknown ones with the list', () => {
    expect(recipe({ prune: { skip: ['docs'] } }).prune?.skip).toEqual(['docs']);
    const parsed = recipeSchema.safeParse({ ...recipe(), prune: { skip: ['stirp'] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('unknown pruning rule "stirp"');
  });
});
