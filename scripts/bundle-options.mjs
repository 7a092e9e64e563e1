// esbuild's options for the CLI's bundle: shared by scripts/bundle.mjs and the test that checks
// what each command loads at start-up (test/unit/start-up-imports.test.ts).

/** @type {import('esbuild').BuildOptions} */
export const bundleOptions = {
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
};
