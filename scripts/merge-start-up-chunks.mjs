// esbuild splits a bundle by which entry points share each module, and every dynamic import is an
// entry point. So the modules the CLI's entry imports statically, which every command loads
// anyway, come out as some thirty small chunks, each one more file for Node to resolve, read and
// link at start-up; and so do those of each command. This pass (rollup over esbuild's output)
// puts the entry's in one chunk, and each group's given (a command, the engine client) in one
// more, leaving every dynamic import lazy: `list` then loads 3 files instead of 31, and a cache
// hit 6 instead of 66.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { rollup } from 'rollup';

const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=\S+\s*$/;

/** The modules `entry` imports statically, itself included: what loading it loads. */
function staticClosure(entry, getModuleInfo) {
  const seen = new Set();
  const queue = [entry];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(getModuleInfo(id)?.importedIds ?? []));
  }
  return seen;
}

/**
 * Which merged chunk each module goes to: each group, in order, takes the static closures of its
 * roots, less what start-up or an earlier group took. A module another command shares goes with
 * the group, so that command loads the group's chunk too: cheaper than the dozens of small files
 * the group's own command loaded. Earlier groups are the ones whose start matters most.
 */
function groupChunks(groups, startUp, getModuleInfo) {
  const chunkOf = new Map();
  for (const [name, files] of Object.entries(groups))
    for (const file of files)
      for (const id of staticClosure(resolve(file), getModuleInfo))
        if (!startUp.has(id) && !chunkOf.has(id)) chunkOf.set(id, name);
  return chunkOf;
}

/**
 * Rewrites esbuild's output in `from` (entry `cli.js`) into `to`, source maps chained to the
 * TypeScript. `groups` names, per merged chunk, the esbuild chunks loaded lazily whose static
 * closures it takes (`{ engine: ['<from>/docker-engine-XXXX.js', …] }`).
 */
export async function mergeStartUpChunks(from, to, groups = {}) {
  // Absolute, as rollup names modules.
  const entry = resolve(from, 'cli.js');
  let startUp;
  let merged;
  const bundle = await rollup({
    input: entry,
    // Node's built-ins and the packages left external (ssh2) stay imports.
    external: (id, importer) => importer !== undefined && !id.startsWith('.') && !id.startsWith('/'),
    // esbuild has shaken the tree already; a second pass would only risk its side effects.
    treeshake: false,
    plugins: [
      {
        name: 'esbuild-output',
        // Each chunk with its map, so the maps chain through to lib/ and the TypeScript sources.
        load(id) {
          const code = readFileSync(id, 'utf8');
          return { code: code.replace(SOURCE_MAP_COMMENT, '\n'), map: readFileSync(`${id}.map`, 'utf8') };
        },
      },
    ],
    onwarn(warning, warn) {
      // esbuild's chunks use `this` at top level only in CommonJS wrappers, which are functions.
      if (warning.code !== 'THIS_IS_UNDEFINED') warn(warning);
    },
  });
  await bundle.write({
    dir: to,
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    // esbuild's chunk names carry their content hash already.
    chunkFileNames: '[name].js',
    manualChunks(id, { getModuleInfo }) {
      startUp ??= staticClosure(entry, getModuleInfo);
      merged ??= groupChunks(groups, startUp, getModuleInfo);
      if (id !== entry && startUp.has(id)) return 'start-up';
      return merged.get(id);
    },
  });
  await bundle.close();
}
