// Bundles the compiled CLI (lib/cli.js and what it imports, dependencies included) into
// lib/bundle/: start-up loads a handful of files instead of several hundred modules.
// Commands stay lazy: each dynamic import becomes its own chunk. lib/bundle/ sits two levels
// below the package root, like lib/core/, so src/core/paths.ts finds recipes/ and data/ the same way.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a content hash: without this, every rebuild would leave the old ones beside
// the new, and the package would ship them.
rmSync('lib/bundle', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'lib/cli.js' },
  outdir: 'lib/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Maps carry the TypeScript (through lib/'s own maps), for --debug stack traces.
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
  // CommonJS dependencies call require(); an ESM bundle has none unless it is made.
  banner: {
    js: "import { createRequire as __lfCreateRequire } from 'node:module'; const require = __lfCreateRequire(import.meta.url);",
  },
  external: [
    // ssh2 loads optional native add-ons by relative path and falls back when they are missing:
    // bundled, the paths would never resolve. Loaded from node_modules as installed.
    'ssh2',
    // ink imports the React devtools only when DEV is set; they are not a dependency.
    'react-devtools-core',
  ],
});

// The bundled recipes and runtime catalog, parsed and validated now so start-up need not
// (src/core/yaml/precompiled.ts). Written last: a bundle without its table still works, slower.
const { precompileBundledData } = await import('../lib/core/precompile-data.js');
const { PRECOMPILED_FILE } = await import('../lib/core/yaml/precompiled.js');
writeFileSync(`lib/bundle/${PRECOMPILED_FILE}`, `${JSON.stringify(await precompileBundledData())}\n`);
