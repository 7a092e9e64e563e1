import semverValid from 'semver/functions/valid.js';
import * as z from '../zod.js';
import { COMPATIBLE_RUNTIMES_MAX } from '../lambda/layer-version-limits.js';
import { BUILTIN_RULE_IDS } from '../prune/rules.js';
import { ARCHITECTURES, runtimeIds } from '../runtimes/catalog.js';
import { httpUrl, npmSpec, plainName, requirement, sourceUrl } from './schema-values.js';

// Messages are written lowercase and start with what was expected: the positioner adds
// "got <what the file says>" and the place. zod's own capitalised messages are reworded there.

import { RECIPE_NAME, RECIPE_OS_IDS } from './names.js';

export { RECIPE_NAME, RECIPE_OS_IDS, type RecipeOsId } from './names.js';
const NAME_MESSAGE =
  'expected a recipe name of lowercase letters, digits and dashes (at most 63), e.g. "libvips-tools"';

const text = (message: string) => z.string({ error: message }).min(1, { error: message });
const list = <T extends z.ZodType>(item: T, message: string) => z.array(item, { error: message });

/** Adds one issue per repeated item, at the repeat. */
function unique<T extends z.ZodType<string[]>>(schema: T, what: string): T {
  return schema.superRefine((items, ctx) => {
    items.forEach((item, i) => {
      if (items.indexOf(item) !== i)
        ctx.addIssue({ code: 'custom', message: `${what} "${item}" is listed twice`, path: [i] });
    });
  }) as unknown as T;
}

const hasParentSegment = (p: string) => p.split('/').includes('..');
const relativePath = text('expected a path relative to the recipe folder').refine(
  (p) => !p.startsWith('/') && !hasParentSegment(p),
  { error: 'expected a path relative to the recipe folder, not absolute and without ".."' },
);
const layerPath = (what: string) =>
  text(`expected ${what} relative to /opt`).refine((p) => !p.startsWith('/') && !hasParentSegment(p), {
    error: `expected ${what} relative to /opt, not absolute and without ".."`,
  });

const packageName = z
  .string({ error: 'expected an OS package name like "openssl-libs"' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9+._:-]*$/, { error: 'expected an OS package name like "openssl-libs"' });

const perOs = <T extends z.ZodType>(value: T, message: string) =>
  z
    .strictObject(
      { al2: value.optional(), al2023: value.optional(), debian12: value.optional() },
      { error: message },
    )
    .refine((o) => RECIPE_OS_IDS.some((os) => o[os] !== undefined), {
      error: `expected an entry for at least one OS: ${RECIPE_OS_IDS.join(', ')}`,
    });

const sha256 = z
  .string({ error: 'expected the sha256 of the file: 64 lowercase hex characters' })
  .regex(/^[0-9a-f]{64}$/, { error: 'expected the sha256 of the file: 64 lowercase hex characters' });

const sourceSchema = z
  .strictObject(
    {
      url: sourceUrl
        .optional()
        .meta({ description: 'Downloaded into the source cache and checked against sha256.' }),
      path: relativePath.optional().meta({ description: 'Or a tarball inside the recipe folder.' }),
      sha256: sha256.meta({ description: 'Hex sha256 of the file, as `sha256sum` prints it.' }),
      os: list(
        z.enum(RECIPE_OS_IDS, { error: `expected an OS id: ${RECIPE_OS_IDS.join(', ')}` }),
        `expected a list of OS ids: ${RECIPE_OS_IDS.join(', ')}`,
      )
        .min(1, { error: 'expected at least one OS id' })
        .optional()
        .meta({
          description:
            'Only builds on these OSes fetch the source (default: all), e.g. a source build where one OS lacks a package.',
        }),
      filename: z
        .string({ error: 'expected a plain file name' })
        .regex(/^[A-Za-z0-9._+-]+$/, { error: 'expected a plain file name, without slashes' })
        .refine((n) => n !== '.' && n !== '..', { error: 'expected a plain file name, not "." or ".."' })
        .optional()
        .meta({
          description: "Name under $SOURCES in the container; defaults to the URL's or path's last segment.",
        }),
    },
    { error: 'expected a source: a mapping with url (or path) and sha256' },
  )
  .superRefine((source, ctx) => {
    if (source.url !== undefined && source.path !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'a source takes url or path, not both' });
    } else if (source.url === undefined && source.path === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected url (to download) or path (a file in the recipe folder)',
      });
    }
  });
export type RecipeSource = z.infer<typeof sourceSchema>;

const testSchema = z.strictObject(
  {
    name: text('expected a short name for the test').optional(),
    run: text('expected a shell command to run with the layer at /opt').meta({
      description: 'A shell command run in the runtime image with the layer at /opt.',
    }),
    expect: z
      .string({ error: 'expected a regular expression' })
      .refine(isRegExp, { error: 'expected a valid regular expression' })
      .optional()
      .meta({ description: 'A regular expression the output must match.' }),
  },
  { error: 'expected a smoke test: a mapping with run (and optionally name, expect)' },
);

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'm');
    return true;
  } catch {
    return false;
  }
}

const dataDirSchema = z.strictObject(
  {
    from: z
      .string({ error: 'expected an absolute path in the build container, e.g. /usr/share/proj' })
      .startsWith('/', { error: 'expected an absolute path in the build container, e.g. /usr/share/proj' }),
    to: layerPath('a folder in the layer'),
  },
  { error: 'expected a mapping with from (a build-container path) and to (a layer path)' },
);

const runtimeId = z.enum(runtimeIds() as [string, ...string[]], {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `unknown Lambda runtime "${issue.input}"`
      : 'expected a Lambda runtime id like python3.12',
});
const architecture = z.enum(ARCHITECTURES, {
  error: (issue) =>
    typeof issue.input === 'string' ? `unknown architecture "${issue.input}"` : 'expected x86_64 or arm64',
});

const installSchema = z
  .strictObject(
    {
      python: z
        .strictObject(
          {
            requirements: list(requirement, 'expected a list of pip requirements, e.g. [numpy==2.1.3]')
              .min(1, { error: 'expected at least one pip requirement' })
              .meta({
                description: 'pip requirement specifiers, installed into python/lib/python3.X/site-packages.',
              }),
            binaryOnly: z.boolean({ error: 'expected true or false' }).default(true).meta({
              description:
                "Wheels only (the default): an sdist would compile against the build image's libraries.",
            }),
          },
          { error: 'expected a mapping with requirements' },
        )
        .optional(),
      node: z
        .strictObject(
          {
            packages: list(npmSpec, 'expected a list of npm package specs, e.g. [sharp@0.34.5]')
              .min(1, { error: 'expected at least one npm package spec' })
              .optional()
              .meta({
                description:
                  'npm package specs installed for the target (linux, its CPU, glibc) into nodejs/node_modules.',
              }),
            project: relativePath.optional().meta({
              description:
                'A folder in the recipe folder holding package.json (and package-lock.json, installed with npm ci).',
            }),
          },
          { error: 'expected a mapping with packages or project' },
        )
        .refine((n) => (n.packages === undefined) !== (n.project === undefined), {
          error: 'expected packages or project, not both and not neither',
        })
        .optional(),
      packages: perOs(
        list(packageName, 'expected a list of OS package names').min(1, {
          error: 'expected at least one package',
        }),
        'expected OS packages per OS, e.g. { al2023: [libpq], debian12: [libpq5] }',
      )
        .optional()
        .meta({
          description: 'OS packages per OS family; their files are exported with export.binaries/libraries.',
        }),
      sources: list(sourceSchema, 'expected a list of sources, each with url (or path) and sha256')
        .min(1, { error: 'expected at least one source' })
        .optional()
        .meta({ description: 'Verified downloads placed in $SOURCES for the build script.' }),
      script: z
        .union([relativePath, perOs(relativePath, 'expected a script per OS, e.g. { al2023: build.sh }')], {
          error:
            'expected a script path relative to the recipe folder, or one per OS (e.g. { al2023: build.sh })',
        })
        .optional()
        .meta({
          description:
            'A script in the recipe folder, or one per OS; it runs with PREFIX=/opt, SOURCES, WORK and JOBS.',
        }),
    },
    { error: 'expected a mapping with at least one of python, node, packages, sources or script' },
  )
  .refine((i) => i.python || i.node || i.packages || i.sources || i.script, {
    error: 'expected at least one of python, node, packages, sources or script',
  });

// What an OS's own packages give, which may differ from `version` (OpenSSL: 3.0 on Debian 12,
// 3.2.2 on AL2023, 1.1.1 on AL2). Free-form past the first digit: "3.0.x" says "whatever patch
// release Debian ships today" honestly, where semver would force a made-up patch number.
const OS_VERSION_MESSAGE = 'expected the version this OS gets, e.g. "3.2.2" or "3.0.x"';
const osVersion = z
  .string({ error: OS_VERSION_MESSAGE })
  .regex(/^[0-9][0-9A-Za-z.+~_-]{0,63}$/, { error: OS_VERSION_MESSAGE });

const globs = (what: string) =>
  list(layerPath('a glob'), `expected a list of globs relative to /opt ${what}`).default([]);

export const recipeSchema = z.strictObject(
  {
    $schema: z.string().optional().meta({ description: 'Editors read this to find the JSON Schema.' }),
    name: z.string({ error: NAME_MESSAGE }).regex(RECIPE_NAME, { error: NAME_MESSAGE }).meta({
      description: 'The recipe name users build, and the default layer name.',
    }),
    version: z
      .string({ error: 'expected a semver version like 1.2.3' })
      // Canonical only: "v1.2.3" would pass semver.valid but name zips and layers inconsistently.
      .refine((v) => semverValid(v) === v, { error: 'expected a semver version like 1.2.3' })
      .meta({
        description: 'The version of what the recipe installs (semver); `name@range` selects among versions.',
      }),
    osVersions: perOs(osVersion, 'expected versions per OS, e.g. { al2023: 3.2.2, debian12: 3.0.x }')
      .optional()
      .meta({
        description:
          "The version each OS actually gets where it differs from `version` (an OS package's own release); the build's manifest records the one for the OS it was built on.",
      }),
    summary: text('expected a one-line summary')
      .max(200, { error: 'expected a summary of at most 200 characters' })
      .meta({ description: 'One line, shown by `layerforge list`.' }),
    license: text('expected an SPDX license id like MIT or Apache-2.0').meta({
      description: 'SPDX license id of what the layer ships, e.g. MIT, Apache-2.0, BSD-3-Clause.',
    }),
    homepage: httpUrl('expected an http(s) URL').meta({ description: 'Where the packaged software lives.' }),
    runtimes: unique(
      list(runtimeId, 'expected a list of Lambda runtime ids, e.g. [python3.12]')
        .min(1, { error: 'expected at least one Lambda runtime id' })
        .max(COMPATIBLE_RUNTIMES_MAX, {
          error: `expected at most ${COMPATIBLE_RUNTIMES_MAX} runtimes, Lambda's limit per layer`,
        }),
      'runtime',
    ).meta({ description: 'Lambda runtime ids the layer is built and tested for.', uniqueItems: true }),
    architectures: unique(
      list(architecture, 'expected a list of architectures: [x86_64], [arm64] or [x86_64, arm64]').min(1, {
        error: 'expected at least one architecture: x86_64 or arm64',
      }),
      'architecture',
    ).meta({ description: 'Lambda architectures to build for: x86_64 and/or arm64.', uniqueItems: true }),
    install: installSchema.meta({
      description: 'What to install: any of python, packages, sources with a script.',
    }),
    export: z
      .strictObject(
        {
          binaries: list(
            plainName('expected a program name'),
            "expected a list of programs on the build container's PATH",
          )
            .default([])
            .meta({ description: 'Programs copied to /opt/bin with their shared-library closure.' }),
          libraries: list(
            plainName('expected a soname'),
            'expected a list of shared library sonames, e.g. [libpq.so.5]',
          )
            .default([])
            .meta({ description: 'Shared libraries by soname, copied to /opt/lib with their closure.' }),
          data: list(dataDirSchema, 'expected a list of { from, to } folders').default([]),
        },
        { error: 'expected a mapping with binaries, libraries or data' },
      )
      .optional(),
    prune: z
      .strictObject(
        {
          remove: globs('to remove').meta({
            description: 'Globs (relative to /opt) removed from the layer.',
          }),
          protect: globs('to keep').meta({ description: 'Globs no pruning rule may touch.' }),
          skip: unique(
            list(
              z.enum(BUILTIN_RULE_IDS, {
                error: (issue) =>
                  typeof issue.input === 'string'
                    ? `unknown pruning rule "${issue.input}"`
                    : `expected a pruning rule id: ${BUILTIN_RULE_IDS.join(', ')}`,
              }),
              'expected a list of pruning rule ids, e.g. [strip, python-tests]',
            ),
            'rule',
          )
            .default([])
            .meta({
              description: `Built-in pruning rules this recipe opts out of: ${BUILTIN_RULE_IDS.join(', ')}.`,
              uniqueItems: true,
            }),
        },
        { error: 'expected a mapping with remove, protect and/or skip' },
      )
      .optional(),
    checkImports: z
      .strictObject(
        {
          skip: list(plainName('expected a module or package name'), 'expected a list of names to skip')
            .default([])
            .meta({ description: 'Top-level modules or npm packages known not to load on their own.' }),
        },
        { error: 'expected a mapping like { skip: [] }' },
      )
      .optional()
      .meta({
        description:
          "Adds smoke tests derived from the layer's metadata: import every top-level module its wheels declare, require() every direct npm dependency.",
      }),
    tests: list(testSchema, 'expected a list of smoke tests, each with run')
      .default([])
      .meta({ description: 'Smoke tests run in the runtime image with the finished layer at /opt.' }),
    budget: z
      .strictObject(
        {
          unzippedMB: z
            .number({ error: 'expected a size in MB (1 MB = 1024² bytes)' })
            .positive({ error: 'expected a positive number of MB' })
            .max(250, {
              error: "expected at most 250, Lambda's limit for a function and all its layers unzipped",
            }),
        },
        { error: 'expected a mapping like { unzippedMB: 100 }' },
      )
      .optional()
      .meta({ description: 'The build fails when the unzipped layer grows past this (MB of 1024² bytes).' }),
    timeoutMinutes: z
      .number({ error: 'expected a number of minutes' })
      // Fractions allowed: 0.5 is half a minute (the tests use a few seconds).
      .positive({ error: 'expected a positive number of minutes' })
      .max(240, { error: 'expected at most 240 minutes' })
      .default(60)
      .meta({ description: 'The build container is stopped after this many minutes.' }),
  },
  { error: 'expected a recipe: a mapping with name, version, summary, runtimes, install ...' },
);

export type Recipe = z.infer<typeof recipeSchema>;
export type RecipeInput = z.input<typeof recipeSchema>;
