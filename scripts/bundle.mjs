// Bundles the compiled CLI (lib/cli.js and what it imports, dependencies included) into
// lib/bundle/: start-up loads a handful of files instead of several hundred modules.
// Commands stay lazy: each dynamic import becomes its own chunk. lib/bundle/ sits two levels
// below the package root, like lib/core/, so src/core/paths.ts finds recipes/ and data/ the same way.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

// Chunk names carry a content hash: without this, every rebuild would leave the old ones beside
// the new, and the package would ship them.
rmSync('lib/bundle', { recursive: true, force: true });

await build(bundleOptions);

// The bundled recipes and runtime catalog, parsed and validated now so start-up need not
// (src/core/yaml/precompiled.ts). Written last: a bundle without its table still works, slower.
const { precompileBundledData } = await import('../lib/core/precompile-data.js');
const { PRECOMPILED_FILE } = await import('../lib/core/yaml/precompiled.js');
writeFileSync(`lib/bundle/${PRECOMPILED_FILE}`, `${JSON.stringify(await precompileBundledData())}\n`);
