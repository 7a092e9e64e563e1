import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { throwIfAborted } from '../errors.js';
import type { StepIO } from '../job-context.js';
import type { Recipe } from '../recipes/schema.js';
import type { Architecture } from '../runtimes/catalog.js';
import type { BuildImageRunner } from './build-image-run.js';
import { findCulprits } from './culprits.js';
import { indexLayer, matchRule, type LayerIndex } from './match.js';
import type { PruneProfile } from './rules.js';
import { selectRules } from './select.js';
import { removal } from './side-store.js';
import { sourcesAsBytecode } from './sources-as-bytecode.js';
import { stripCandidates, stripFiles } from './strip.js';
import { identicalFilesAsLinks } from './identical-files.js';
import type { LayerTester, PruneRecord, RuleToggle } from './types.js';

export interface PruneStagedLayerInput {
  /** The staged /opt tree, pruned in place. */
  staging: string;
  /** An empty folder on the same file system: removed files wait there until the build ends. */
  sideDir: string;
  recipe: Recipe;
  /** The layer's arch: strip (the build image's, for this arch) leaves other machines' files alone. */
  arch: Architecture;
  profile: PruneProfile;
  /**
   * The bytecode the build ships (`pyc-only` adds the rule that ships each module's bytecode
   * instead of its source). `compile`, when given, compiles it once the remove rules have run, so
   * nothing is compiled for the files they took, and returns the mode that holds after it (`none`
   * when it could not compile); it is called again with the paths under `python/` that a
   * reverted rule put back. Without it the tree's bytecode is taken as it is.
   */
  bytecode: {
    mode: BytecodeMode;
    cacheTag: string;
    compile?: (only?: readonly string[]) => Promise<BytecodeMode>;
  };
  runInBuildImage: BuildImageRunner;
  /** Runs the recipe's smoke tests on the staged layer as it is now. */
  test: LayerTester;
}

type BytecodeMode = 'none' | 'pyc' | 'pyc-only';

interface Applied {
  name: string;
  toggle: RuleToggle;
  /** What a remove rule took under `python/` that compileall compiles: folders and `.py` files. */
  modules?: string[];
}

function toggleOf(
  name: string,
  bytesSaved: number,
  changes: number,
  apply: () => Promise<void>,
  revert: () => Promise<void>,
): RuleToggle {
  return { name, bytesSaved, changes, applied: true, revert, reapply: apply };
}

/**
 * Prunes a staged layer: the recipe's `prune.remove` globs, then the profile's built-in rules
 * (rules.ts), then `strip`, then (for `--bytecode pyc-only`) sources replaced by bytecode. When
 * the recipe has smoke tests they check the result; a rule that breaks one is reverted and
 * reported (`reverted: true`). Without tests only import-safe rules run, with a warning.
 * Returns one record per rule that changed something, in the order applied, for the manifest.
 */
export async function pruneStagedLayer(input: PruneStagedLayerInput, io: StepIO): Promise<PruneRecord[]> {
  const { staging, sideDir, recipe } = input;
  const hasTests = recipe.tests.length > 0 || recipe.checkImports !== undefined;
  const selection = selectRules(input.profile, recipe, { compilesBytecode: input.bytecode.mode !== 'none' });
  const untested = selection.untested.map((r) => r.id);
  if (input.bytecode.mode === 'pyc-only' && !hasTests && existsSync(join(staging, 'python')))
    untested.push('sources-as-bytecode');
  if (untested.length > 0) {
    io.sink({
      type: 'warning',
      code: 'prune-untested',
      message: `${recipe.name} has no smoke tests, so only the pruning rules that cannot break an import ran; skipped: ${untested.join(', ')} (add tests to the recipe to let layerforge check them)`,
    });
  }
  const protect = recipe.prune?.protect ?? [];
  let index: LayerIndex = await indexLayer(staging, io.signal);
  const types = new Map(index.entries.map((e) => [e.path, e.type]));
  const taken = new Set<string>();
  const applied: Applied[] = [];
  const remove = async (name: string, globs: readonly string[], dirsOnly = false) => {
    throwIfAborted(io.signal);
    const matches = matchRule(index, { globs, dirsOnly, protect, taken });
    const paths = matches.map((m) => m.path);
    for (const path of paths) taken.add(path);
    const change = removal(staging, join(sideDir, String(applied.length)), paths);
    await change.apply();
    const bytes = matches.reduce((sum, m) => sum + m.bytes, 0);
    applied.push({
      name,
      toggle: toggleOf(name, bytes, paths.length, change.apply, change.revert),
      modules: paths.filter(
        (p) =>
          p.startsWith('python/') &&
          (types.get(p) === 'dir' || (p.endsWith('.py') && types.get(p) === 'file')),
      ),
    });
  };

  for (const glob of recipe.prune?.remove ?? []) await remove(`remove ${glob}`, [glob]);
  for (const rule of selection.rules)
    if (rule.kind === 'remove') await remove(rule.id, rule.globs, 'dirsOnly' in rule && rule.dirsOnly);
  let bytecodeMode = input.bytecode.mode;
  if (input.bytecode.compile) {
    bytecodeMode = await input.bytecode.compile();
    // The new __pycache__ folders, for sources-as-bytecode; strip takes ELF files only.
    if (bytecodeMode !== 'none') index = await indexLayer(staging, io.signal);
  }
  const wantsSourceRemoval = bytecodeMode === 'pyc-only';
  // strip rewrites these files and may put them back: identical-files leaves them alone.
  const strippedFiles = new Set<string>();
  if (selection.rules.some((r) => r.kind === 'strip')) {
    const { candidates, skipped } = await stripCandidates(index, staging, protect, taken, input.arch);
    const stripped = await stripFiles(
      staging,
      join(sideDir, 'strip'),
      candidates,
      input.runInBuildImage,
      io.signal,
    );
    for (const path of stripped.files) strippedFiles.add(path);
    // A file strip cannot handle is shipped as it came; the build goes on and says so.
    for (const skip of [...skipped, ...stripped.skipped].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      io.sink({
        type: 'warning',
        code: 'strip-skipped',
        message: `prune: strip left ${skip.path} as it was: ${skip.reason}`,
      });
    }
    applied.push({
      name: 'strip',
      toggle: toggleOf(
        'strip',
        stripped.bytesSaved,
        stripped.files.length,
        stripped.reapply,
        stripped.revert,
      ),
    });
  }
  if (selection.rules.some((r) => r.kind === 'identical')) {
    const change = await identicalFilesAsLinks(index, staging, join(sideDir, 'identical'), {
      protect,
      taken,
      skip: strippedFiles,
      signal: io.signal,
    });
    await change.apply();
    applied.push({
      name: 'identical-files',
      toggle: toggleOf(
        'identical-files',
        change.bytesSaved,
        change.links.length,
        change.apply,
        change.revert,
      ),
    });
  }
  if (wantsSourceRemoval && hasTests) {
    const change = await sourcesAsBytecode(index, staging, join(sideDir, 'sources'), {
      protect,
      taken,
      cacheTag: input.bytecode.cacheTag,
    });
    await change.apply();
    applied.push({
      name: 'sources-as-bytecode',
      toggle: toggleOf('sources-as-bytecode', change.bytesSaved, change.modules, change.apply, change.revert),
    });
  }

  const reverted = new Set<RuleToggle>();
  // Rules that changed nothing cannot break anything: leave them out of the check.
  const checked = applied.map((a) => a.toggle).filter((t) => t.changes > 0);
  if (hasTests && checked.length > 0) {
    const search = await findCulprits(checked, input.test, {
      signal: io.signal,
      onProgress: (message) => io.sink({ type: 'info', message: `prune: ${message}` }),
    });
    for (const culprit of search.culprits) reverted.add(culprit);
    const putBack = applied.filter((a) => reverted.has(a.toggle)).flatMap((a) => a.modules ?? []);
    if (input.bytecode.compile && bytecodeMode !== 'none' && putBack.length > 0)
      await input.bytecode.compile(putBack);
    io.sink({
      type: 'info',
      message: `prune: ${checked.length - reverted.size} of ${checked.length} rule(s) kept, checked by ${recipe.tests.length} smoke test(s) in ${search.testRuns} run(s)`,
    });
  }
  // A rule that matched nothing is not worth a line in the manifest.
  return applied
    .filter(({ toggle }) => toggle.changes > 0)
    .map(({ name, toggle }) => {
      const record: PruneRecord = {
        rule: name,
        bytesSaved: reverted.has(toggle) ? 0 : toggle.bytesSaved,
        reverted: reverted.has(toggle),
      };
      io.sink({ type: 'prune.rule', ...record });
      return record;
    });
}
