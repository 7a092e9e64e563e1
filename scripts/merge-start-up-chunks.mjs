// esbuild splits a bundle by which entry points share each module, and every dynamic import is an
// entry point. So the modules the CLI's entry imports statically, which every command loads
// anyway, come out as some thirty small chunks, each one more file for Node to resolve, read and
// link at start-up. This pass (rollup over esbuild's output) puts them in one chunk and leaves
// every dynamic import lazy: `list` then loads 9 files instead of 31.
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

/** Rewrites esbuild's output in `from` (entry `cli.js`) into `to`, source maps chained to the TypeScript. */
export async function mergeStartUpChunks(from, to) {
  // Absolute, as rollup names modules.
  const entry = resolve(from, 'cli.js');
  let startUp;
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
      return id !== entry && startUp.has(id) ? 'start-up' : undefined;
    },
  });
  await bundle.close();
}
