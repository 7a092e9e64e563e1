import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files and their seconds in a fresh-machine `.ci/run` (28e8cc9), where each
 * builds its layers and images from nothing; later runs find them cached. invoke-node compiles
 * AWS's runtime interface client for both arches.
 */
export const SLOWEST_FILES: Record<string, number> = {
  'test/integration/invoke-node.test.ts': 412,
  'test/integration/arm64.test.ts': 170,
  'test/integration/dependency-builds.test.ts': 152,
  'test/integration/tool-recipes.test.ts': 148,
  'test/fuzz/cli-fuzz.test.ts': 110,
  'test/integration/invoke-examples.test.ts': 104,
};

/**
 * Longest first, as vitest does with the timings it caches in node_modules, and with the seconds
 * above for files it has not timed. With no cache (a fresh clone, as CI has), vitest alone starts
 * the largest files first: invoke-node, a short file, then started 19 minutes into a 31-minute
 * `npm test` and ran alone at its end. A file that failed last time still runs first.
 */
export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    for (const file of Object.keys(SLOWEST_FILES)) {
      // A renamed or removed file must not drop out of the list unnoticed.
      if (!existsSync(join(root, file))) throw new Error(`${file} (SLOWEST_FILES) does not exist`);
    }
    const known = (spec: TestSpecification) => {
      const file = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      return { failed: cached?.failed ?? false, ms: cached?.duration ?? (SLOWEST_FILES[file] ?? 0) * 1000 };
    };
    // Array.prototype.sort is stable: files timed alike keep vitest's order (largest first).
    return (await super.sort(files))
      .map((spec) => ({ spec, ...known(spec) }))
      .sort((a, b) => Number(b.failed) - Number(a.failed) || b.ms - a.ms)
      .map(({ spec }) => spec);
  }
}
