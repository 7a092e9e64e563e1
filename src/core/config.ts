import { existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import * as z from 'zod';
import { UserError } from './errors.js';
import { CACHE_MODES } from './remote-cache/location.js';
import { InvalidFileError } from './yaml/invalid-file-error.js';
import { parseYamlFile } from './yaml/read-yaml-file.js';
import type { FieldIssue } from './yaml/issue.js';

export const CONFIG_FILE = 'layerforge.config.yaml';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `buildEnv`: what build containers get, as a list like `--build-env` (`KEY` or `KEY=VALUE`) or
 * a mapping (`KEY: value`, or `KEY:` with no value to pass this machine's). Prefer the forms
 * without a value for secrets, so they stay out of a committed file.
 */
const buildEnvSchema = z
  .union(
    [
      z.array(
        z
          .string({ error: 'expected KEY or KEY=VALUE' })
          .regex(/^[A-Za-z_][A-Za-z0-9_]*(=.*)?$/s, { error: 'expected KEY or KEY=VALUE' }),
      ),
      z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .superRefine((entries, ctx) => {
          for (const name of Object.keys(entries)) {
            if (!VARIABLE_NAME.test(name))
              ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a variable name` });
          }
        }),
    ],
    {
      error:
        "expected a list of KEY or KEY=VALUE, or a mapping of KEY: value (KEY: with no value passes this machine's)",
    },
  )
  .optional()
  .meta({
    description:
      "Variables build containers get, e.g. PIP_INDEX_URL: KEY alone (or KEY: with no value) passes this machine's value, so secrets stay out of this file. Values are redacted from every output; names (not values) enter the cache key.",
  });

/** Project settings, from layerforge.config.yaml in the working directory. */
export const configSchema = z.strictObject(
  {
    $schema: z.string().optional().meta({ description: 'Editors read this to find the JSON Schema.' }),
    recipeDirs: z
      .array(z.string({ error: 'expected a folder path' }).min(1, { error: 'expected a folder path' }), {
        error: 'expected a list of recipe folders, e.g. [recipes]',
      })
      .default([])
      .meta({
        description: 'Extra recipe folders, searched before the bundled ones; relative to this file.',
      }),
    base: z
      .string({ error: 'expected a base image name' })
      .min(1, { error: 'expected a base image name' })
      .optional()
      .meta({ description: 'The base image pair to build on unless --base is given.' }),
    outDir: z
      .string({ error: 'expected a folder path' })
      .min(1, { error: 'expected a folder path' })
      .optional()
      .meta({ description: 'Where zips and manifests go; default `dist`.' }),
    reserveMB: z
      .number({ error: 'expected a number of MB' })
      .nonnegative({ error: 'expected a number of MB, 0 or more' })
      .max(250, { error: "expected at most 250, Lambda's limit for a function and all its layers" })
      .optional()
      .meta({ description: 'MB of the 250 MB already used by the function and its other layers.' }),
    buildEnv: buildEnvSchema,
    resolveMaxAgeHours: z
      .number({ error: 'expected a number of hours' })
      .nonnegative({ error: 'expected a number of hours, 0 or more' })
      .optional()
      .meta({
        description:
          'Hours a layer built from unpinned dependencies is reused before they are resolved again; default 24.',
      }),
    cache: z
      .strictObject(
        {
          url: z
            .string({ error: 'expected s3://bucket/prefix' })
            .regex(/^s3:\/\/[^/?#]+(\/[^?#]*)?$/, { error: 'expected s3://bucket/prefix' })
            .optional()
            .meta({
              description: 'A cache of built layers shared with other machines (CI runners, colleagues).',
            }),
          mode: z
            .enum(CACHE_MODES, { error: `expected one of ${CACHE_MODES.join(', ')}` })
            .optional()
            .meta({
              description:
                'What builds do with it: read, write, readwrite (the default) or off; read suits untrusted jobs.',
            }),
        },
        { error: 'expected a mapping with url and mode' },
      )
      .optional()
      .meta({
        description:
          'The remote cache unless --cache / --cache-mode or LAYERFORGE_CACHE_URL / LAYERFORGE_CACHE_MODE are given.',
      }),
    dockerNetwork: z
      .string({ error: 'expected a Docker network name' })
      .min(1, { error: 'expected a Docker network name' })
      .optional()
      .meta({
        description:
          'The Docker network build containers join unless --docker-network is given, e.g. host to reach a proxy on this machine.',
      }),
  },
  { error: 'expected a mapping of settings such as recipeDirs, base, outDir' },
);
export type LayerforgeConfig = z.infer<typeof configSchema>;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads layerforge.config.yaml from `cwd` if there is one. `recipeDirs` come back absolute,
 * resolved against the config file's folder. A malformed file, or a recipe folder it names that
 * does not exist, is an InvalidFileError positioned at `file:line:col` (exit 2).
 */
export async function loadConfig(
  cwd: string,
): Promise<LayerforgeConfig & { recipeDirs: string[]; file?: string }> {
  const file = join(cwd, CONFIG_FILE);
  if (!existsSync(file)) return { recipeDirs: [] };
  const { value, positionIssues } = await parseYamlFile(file, configSchema, CONFIG_FILE, {
    schemaFile: 'schema/config.schema.json',
    what: 'config file',
    emptyHint: 'remove the file, or set e.g. `recipeDirs: [recipes]`',
  });
  const recipeDirs = value.recipeDirs.map((d) => resolve(cwd, d));
  const missing: FieldIssue[] = recipeDirs.flatMap((dir, i) =>
    isDirectory(dir)
      ? []
      : [
          {
            path: ['recipeDirs', i],
            message: `recipe folder "${value.recipeDirs[i] ?? dir}" does not exist`,
            hint: `paths are relative to the config file's folder; this one resolves to ${dir}`,
          },
        ],
  );
  if (missing.length > 0)
    throw new InvalidFileError(await positionIssues(missing), 'schema/config.schema.json');
  return { ...value, recipeDirs, file };
}

/** The project's recipe folder, where `layerforge init` writes: searched when it exists. */
export const PROJECT_RECIPES_DIR = 'recipes';

/** The config's `buildEnv` as `KEY[=VALUE]` entries, in the file's order. */
export function configBuildEnv(config: LayerforgeConfig): string[] {
  const buildEnv = config.buildEnv;
  if (buildEnv === undefined) return [];
  if (Array.isArray(buildEnv)) return buildEnv;
  return Object.entries(buildEnv).map(([name, value]) =>
    value === null ? name : `${name}=${String(value)}`,
  );
}

/**
 * User recipe folders in search order (first match wins between equal versions): `--recipes`
 * flags, then $LAYERFORGE_RECIPES (path-delimiter separated), then the config file's
 * `recipeDirs`, then ./recipes when it exists, so a recipe `layerforge init` scaffolded is
 * found without being named. Flag and environment paths are relative to `cwd`.
 */
export function userRecipeDirs(
  flagDirs: string[],
  config: { recipeDirs: string[] },
  env: NodeJS.ProcessEnv,
  cwd: string,
): string[] {
  const check = (from: string) => (dir: string) => {
    const absolute = resolve(cwd, dir);
    if (!isDirectory(absolute)) {
      throw new UserError(`recipe folder ${dir} (from ${from}) does not exist`, {
        hint: `check the path; relative paths start at ${cwd}`,
      });
    }
    return absolute;
  };
  const fromEnv = (env.LAYERFORGE_RECIPES ?? '').split(delimiter).filter((d) => d.length > 0);
  const project = resolve(cwd, PROJECT_RECIPES_DIR);
  return [
    ...flagDirs.map(check('--recipes')),
    ...fromEnv.map(check('$LAYERFORGE_RECIPES')),
    ...config.recipeDirs,
    ...(isDirectory(project) ? [project] : []),
  ];
}
