// esbuild's options for the CLI's bundle: shared by scripts/bundle.mjs and the test that checks
// what each command loads at start-up (test/unit/start-up-imports.test.ts).

import { createRequire } from 'node:module';
import { basename, dirname, relative } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

// Modules a dependency requires when it loads but uses only in code layerforge never runs: each is
// bundled as a stand-in that requires the real module on first use.
// - commander needs child_process only to spawn executable subcommands (layerforge has none), and
//   loading it (with net and dgram behind it) cost every start-up about 5 ms under Node 24.
// - docker-modem's ssh transport requires ssh2 as the modem loads. layerforge dials ssh:// engines
//   itself (src/core/engine/ssh-dial.ts, loaded only then), and ssh2 cost every build that starts
//   a container about 45 ms under Node 20 and 14 MB of memory (a WebAssembly Poly1305 instance).
// A stand-in is an object whose properties are the real module's, or a function that calls it.
const deferredRequires = [
  { importer: /[\\/]node_modules[\\/]commander[\\/]/, request: 'child_process', shape: 'object' },
  {
    importer: /[\\/]node_modules[\\/]docker-modem[\\/]lib[\\/]modem\.js$/,
    request: './ssh',
    shape: 'function',
  },
];

/** @type {import('esbuild').Plugin} */
const deferRequires = {
  name: 'defer-requires',
  setup(build) {
    // Only the listed requests reach the callback: the filter is made from the list itself.
    const escaped = deferredRequires.map((d) => d.request.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    const filter = new RegExp(`^(node:)?(${escaped.join('|')})$`);
    build.onResolve({ filter }, ({ path, importer }) => {
      const request = path.replace(/^node:/, '');
      const deferred = deferredRequires.find((d) => d.request === request && d.importer.test(importer));
      if (!deferred) return undefined;
      // A built-in stays external. A file is bundled, but its module runs on the stand-in's first
      // call; it is named relative to the package, so the bundle does not depend on where it is built.
      if (!request.startsWith('.'))
        return { path: `node:${request}`, namespace: 'deferred', pluginData: { shape: deferred.shape } };
      const file = createRequire(importer).resolve(request);
      return {
        path: relative(packageRoot, file),
        namespace: 'deferred',
        pluginData: { shape: deferred.shape, resolveDir: dirname(file), local: `./${basename(file)}` },
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'deferred' }, ({ path, pluginData }) => {
      const real = `require(${JSON.stringify(pluginData.local ?? path)})`;
      return {
        contents:
          pluginData.shape === 'function'
            ? `module.exports = function () {\n  return ${real}.apply(this, arguments);\n};\n`
            : `let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= ${real})[key] });\n`,
        loader: 'js',
        resolveDir: pluginData.resolveDir,
      };
    });
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
  plugins: [deferRequires, fsAsRequire],
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
