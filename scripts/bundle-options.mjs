// esbuild's options for the CLI's bundle: shared by scripts/bundle.mjs and the test that checks
// what each command loads at start-up (test/unit/start-up-imports.test.ts).

// Built-in modules a dependency requires when it loads but uses only in code layerforge never runs:
// each is bundled as a stand-in that requires the real module on first use. commander needs
// child_process only to spawn executable subcommands (layerforge has none), and loading it (with
// net and dgram behind it) cost every start-up about 5 ms under Node 24.
const deferredBuiltins = [{ importer: /[\\/]node_modules[\\/]commander[\\/]/, builtin: 'child_process' }];

/** @type {import('esbuild').Plugin} */
const deferBuiltins = {
  name: 'defer-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_]+$/ }, ({ path, importer }) => {
      const builtin = path.replace(/^node:/, '');
      const deferred = deferredBuiltins.some((d) => d.builtin === builtin && d.importer.test(importer));
      return deferred ? { path: builtin, namespace: 'deferred-builtin' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'deferred-builtin' }, ({ path }) => ({
      contents: `let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:${path}'))[key] });\n`,
      loader: 'js',
    }));
  },
};

// node:fs imported as ESM reads every export, and fs.promises' getter then loads FileHandle with
// readline, watchers and streams: about 3 ms of `list`'s start-up under Node 24. Bundled as
// CommonJS, each export is read where it is used (esbuild's interop copies getters, not values).
/** @type {import('esbuild').Plugin} */
const fsAsRequire = {
  name: 'fs-as-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?fs$/ }, ({ namespace }) =>
      // The stand-in's own require of node:fs stays external.
      namespace === 'required-fs' ? undefined : { path: 'fs', namespace: 'required-fs' },
    );
    build.onLoad({ filter: /.*/, namespace: 'required-fs' }, () => ({
      contents: "module.exports = require('node:fs');\n",
      loader: 'js',
    }));
  },
};

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
  plugins: [deferBuiltins, fsAsRequire],
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
