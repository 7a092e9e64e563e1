// Bundles the compiled CLI (lib/cli.js and what it imports, dependencies included) into
// lib/bundle/: start-up loads a handful of files instead of several hundred modules.
// Commands stay lazy: each dynamic import becomes its own chunk. lib/bundle/ sits two levels
// below the package root, like lib/core/, so src/core/paths.ts finds recipes/ and data/ the same way.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';
import { mergeStartUpChunks } from './merge-start-up-chunks.mjs';

// esbuild's output, before its start-up chunks are merged; at the same depth as lib/bundle/, so
// the source maps' relative paths hold in both.
const ESBUILD_OUT = 'lib/bundle-split';

// Chunk names carry a content hash: without this, every rebuild would leave the old ones beside
// the new, and the package would ship them.
for (const dir of ['lib/bundle', ESBUILD_OUT]) rmSync(dir, { recursive: true, force: true });

const { metafile } = await build({ ...bundleOptions, outdir: ESBUILD_OUT, metafile: true });
// Each command loads some thirty of esbuild's chunks. Merged, `list` and a cache hit (the build
// command and the engine client) load a few files each. A module several groups share goes with
// the first: the quick read-only commands come first, so they never load the build's code.
const chunkOf = (source) =>
  Object.keys(metafile.outputs).find((out) => metafile.outputs[out].entryPoint === source);
const commands = ['list', 'show', 'runtimes', 'build'];
await mergeStartUpChunks(ESBUILD_OUT, bundleOptions.outdir, {
  ...Object.fromEntries(commands.map((name) => [`${name}-command`, [chunkOf(`lib/commands/${name}.js`)]])),
  engine: ['docker-endpoint', 'docker-engine', 'docker-connection'].map((m) =>
    chunkOf(`lib/core/engine/${m}.js`),
  ),
});
rmSync(ESBUILD_OUT, { recursive: true, force: true });

// The bundled recipes and runtime catalog, parsed and validated now so start-up need not
// (src/core/yaml/precompiled.ts). Written last: a bundle without its table still works, slower.
const { precompileBundledData } = await import('../lib/core/precompile-data.js');
const { PRECOMPILED_FILE } = await import('../lib/core/yaml/precompiled.js');
writeFileSync(`lib/bundle/${PRECOMPILED_FILE}`, `${JSON.stringify(await precompileBundledData())}\n`);
