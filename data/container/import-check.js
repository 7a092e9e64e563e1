// layerforge's derived import tests (src/core/builder/import-tests.ts), run in the runtime image.
// require() first, as a function's CommonJS handler does; an ES-only package is imported by the
// file its package.json exports for import.
(async () => {
  for (const name of process.argv.slice(1)) {
    try {
      try {
        require(name);
      } catch (e) {
        if (!e || (e.code !== 'ERR_REQUIRE_ESM' && e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED')) throw e;
        const dir = '/opt/nodejs/node_modules/' + name + '/';
        const pkg = require(dir + 'package.json');
        const dot =
          pkg.exports && (typeof pkg.exports === 'string' ? pkg.exports : pkg.exports['.'] || pkg.exports);
        const entry =
          typeof dot === 'string'
            ? dot
            : (dot && (dot.import || dot.default)) || pkg.module || pkg.main || 'index.js';
        await import(dir + (typeof entry === 'string' ? entry : entry.default));
      }
      console.log('layerforge-import ok ' + name);
    } catch (e) {
      console.log('layerforge-import fail ' + name + ' ' + String((e && e.message) || e).split('\n')[0]);
    }
  }
})();
