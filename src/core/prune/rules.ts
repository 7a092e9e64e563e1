/**
 * The built-in pruning rules, as data. Each rule says what it removes and why that is usually
 * dead weight in a Lambda layer. None is trusted blindly: every rule a build applies is checked
 * by the recipe's smoke tests and reverted when a test fails without it (see prune-layer.ts).
 */

/** `none` ships the layer as built; `safe` is the conservative set (the default); `max` adds the aggressive rules. */
export const PRUNE_PROFILES = ['none', 'safe', 'max'] as const;
export type PruneProfile = (typeof PRUNE_PROFILES)[number];

interface RuleBase {
  id: string;
  /** The least aggressive profile that applies the rule: `max` rules are not in `safe`. */
  profile: 'safe' | 'max';
  /**
   * True when removing these files cannot make an `import` or a program start fail: recipes
   * without smoke tests get only these rules, since nothing could catch the others' mistakes.
   */
  importSafe: boolean;
  why: string;
}

/** Removes what matches `globs` (relative to /opt; a matching directory goes as a whole). */
export interface RemoveRule extends RuleBase {
  kind: 'remove';
  globs: readonly string[];
  /** Only directories match (a file named `tests` is left alone). */
  dirsOnly?: boolean;
}

/** `strip --strip-unneeded` with the build image's binutils on ELF executables and shared objects. */
export interface StripRule extends RuleBase {
  kind: 'strip';
}

/** Files with identical bytes stored once: the copies become relative symlinks (identical-files.ts). */
export interface IdenticalRule extends RuleBase {
  kind: 'identical';
}

export type BuiltinRule = RemoveRule | StripRule | IdenticalRule;

export const BUILTIN_RULES = [
  {
    id: 'docs',
    kind: 'remove',
    profile: 'safe',
    importSafe: true,
    globs: ['share/doc', 'share/man', 'share/info', 'share/gtk-doc', 'share/devhelp'],
    why: 'manuals and package docs: nothing in a function reads them, and OS packages bring many',
  },
  {
    id: 'headers',
    kind: 'remove',
    profile: 'safe',
    importSafe: true,
    globs: ['include', 'python/**/*.h', 'python/**/*.hpp', 'python/**/*.hh', 'python/**/*.hxx'],
    why: 'C headers only serve compiling against the layer, and Lambda has no compiler (numpy ships ~1 MB)',
  },
  {
    id: 'static-libraries',
    kind: 'remove',
    profile: 'safe',
    importSafe: true,
    globs: ['**/*.a'],
    why: 'static archives are linked at build time and never loaded by the dynamic loader',
  },
  {
    id: 'build-metadata',
    kind: 'remove',
    profile: 'safe',
    importSafe: true,
    globs: ['lib/pkgconfig', 'lib/cmake', 'share/pkgconfig', 'share/aclocal', '**/*.pc'],
    why: 'pkg-config, CMake and autoconf files describe the libraries to a build, not to the loader',
  },
  {
    id: 'locales',
    kind: 'remove',
    profile: 'safe',
    importSafe: true,
    globs: ['share/locale'],
    why: "message catalogs of OS packages: gettext falls back to the program's own (English) strings",
  },
  {
    id: 'build-bytecode',
    kind: 'remove',
    profile: 'safe',
    importSafe: true,
    // Only __pycache__: a legacy `x.pyc` beside no `x.py` may be the only copy of a module.
    globs: ['**/__pycache__'],
    dirsOnly: true,
    why: 'caches from the build, invalidated by timestamps the zip does not keep, and not byte-reproducible; removed only when layerforge compiles no bytecode itself',
  },
  {
    id: 'python-tests',
    kind: 'remove',
    profile: 'safe',
    importSafe: false,
    // `tests`/`test` only: `numpy/testing` and `pandas/_testing` are imported by the packages themselves.
    globs: ['python/**/tests', 'python/**/test'],
    dirsOnly: true,
    why: "packages' own test suites (pandas/tests is ~40 MB); a package that imports its tests at import time makes a smoke test fail and the rule is reverted",
  },
  {
    id: 'strip',
    kind: 'strip',
    profile: 'safe',
    importSafe: false,
    why: "symbol tables and debug sections are not needed to load or run; never applied to auditwheel's *.libs/ (stripping patchelf-edited libraries breaks them), and a binary that checks itself fails its test and is restored",
  },
  {
    id: 'identical-files',
    kind: 'identical',
    profile: 'safe',
    importSafe: false,
    why: 'two wheels often vendor the same library byte for byte (numpy.libs/ and scipy.libs/ both carry libgfortran): every copy but one becomes a relative symlink, and the loader maps the one file once; a program that looks at its own path fails its test and the copies are restored',
  },
  {
    id: 'python-type-stubs',
    kind: 'remove',
    profile: 'max',
    importSafe: true,
    globs: ['python/**/*.pyi'],
    why: '.pyi stubs are read by type checkers and editors, never at run time',
  },
  {
    id: 'python-build-sources',
    kind: 'remove',
    profile: 'max',
    importSafe: true,
    globs: ['python/**/*.pyx', 'python/**/*.pxd', 'python/**/*.pxi', 'python/**/*.c', 'python/**/*.cpp'],
    why: 'Cython and C sources shipped beside their compiled extension modules',
  },
  {
    id: 'libtool-archives',
    kind: 'remove',
    profile: 'max',
    importSafe: false,
    globs: ['**/*.la'],
    why: "libtool's .la files; but libltdl's module loaders (ImageMagick's coders) may look for them, so only max, under test",
  },
  {
    id: 'message-catalogs',
    kind: 'remove',
    profile: 'max',
    importSafe: false,
    globs: ['python/**/LC_MESSAGES/*.mo'],
    why: 'translations inside Python packages: fine for an English-only function, but gettext without fallback raises, so only max, under test',
  },
  {
    id: 'node-tests-and-docs',
    kind: 'remove',
    profile: 'max',
    importSafe: false,
    globs: [
      'nodejs/**/node_modules/*/test',
      'nodejs/**/node_modules/*/tests',
      'nodejs/**/node_modules/*/__tests__',
      'nodejs/**/node_modules/*/docs',
    ],
    dirsOnly: true,
    why: 'test suites and docs npm packages forgot to exclude from their tarballs',
  },
  {
    id: 'source-maps',
    kind: 'remove',
    profile: 'max',
    importSafe: true,
    globs: ['nodejs/**/*.js.map'],
    why: 'source maps only help a debugger, and Node reads them only with --enable-source-maps',
  },
] as const satisfies readonly BuiltinRule[];

export type BuiltinRuleId = (typeof BUILTIN_RULES)[number]['id'];

/** Rule ids, for the recipe schema's `prune.skip`. */
export const BUILTIN_RULE_IDS = BUILTIN_RULES.map((r) => r.id) as [BuiltinRuleId, ...BuiltinRuleId[]];

/**
 * Paths no rule may touch, whatever the recipe says: importlib.metadata reads `*.dist-info`
 * (serverless-python-requirements#441 shows what deleting them breaks).
 */
export const NEVER_TOUCH: readonly string[] = [
  '**/*.dist-info',
  '**/*.dist-info/**',
  '**/*.egg-info',
  '**/*.egg-info/**',
];

/**
 * ELF files that are never stripped: auditwheel vendors libraries into `<pkg>.libs/` and edits
 * them with patchelf; strip rewrites their program headers and the result may no longer load.
 */
export const NEVER_STRIP: readonly string[] = ['**/*.libs/**'];
