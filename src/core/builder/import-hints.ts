// Why a module that was installed may still not import, and what usually fixes it. Keyed by the
// top-level module name; matched on the error text too. Small on purpose: only failures seen in
// practice (issue 16's sweep of popular packages) and their known fixes.
const BY_MODULE: Record<string, string> = {
  psycopg: 'psycopg needs its [binary] extra or libpq: install psycopg[binary], or add libpq to the layer',
  psycopg2: 'use psycopg2-binary, or ship libpq in the layer',
  requests_html:
    'requests-html does not import on current Pythons (its lxml.html.clean dependency moved to lxml_html_clean)',
  cv2: 'opencv-python needs libGL: use opencv-python-headless',
  mysqlclient: 'mysqlclient needs libmysqlclient in the layer; PyMySQL is pure Python',
  MySQLdb: 'mysqlclient needs libmysqlclient in the layer; PyMySQL is pure Python',
  tkinter: 'Lambda has no Tk: the module cannot import there',
  sharp:
    'sharp loads a per-platform package (@img/sharp-linux-x64 or -arm64): install for the target with npm',
};

const BY_ERROR: [RegExp, string][] = [
  [/libpq/i, 'the layer needs libpq: use the package’s binary extra, or add libpq to the layer'],
  [/GLIBC_\d/, 'a binary needs a newer glibc than the runtime has: pick a manylinux wheel for the target'],
  [
    /cannot open shared object file/,
    'a shared library is missing from the layer: add it (export.libraries) or use a wheel that bundles it',
  ],
  [
    /ERR_DLOPEN_FAILED|invalid ELF header/,
    'a native module was built for another platform: install it for the target',
  ],
];

/** A hint for a module that failed to import, or undefined. */
export function importHint(module: string, error: string): string | undefined {
  return BY_MODULE[module] ?? BY_ERROR.find(([pattern]) => pattern.test(error))?.[1];
}

/**
 * Modules that refuse to be imported on their own because another package loads them: importing
 * that package is their test. psycopg_binary raises "the psycopg package should be imported
 * before psycopg_binary".
 */
export const LOADED_BY_ANOTHER: Record<string, string> = {
  psycopg_binary: 'psycopg',
  psycopg_c: 'psycopg',
};
